/**
 * The goals a lesson step can set, checked over the step's window from the history only:
 * each says whether it is met, the numbers behind that, and why in plain words.
 */
import {
  commitLatency,
  downBefore,
  lostOrders,
  ofType,
  orderFor,
  plural,
  promotions,
  readsIn,
  receivedBefore,
  splitBrainWrites,
  theRead,
  writesIn,
} from './facts.ts';
import type { EvaluationContext, GoalName, GoalResult, MeasureArgs } from './types.ts';

type Check = (ctx: EvaluationContext, args: MeasureArgs) => GoalResult;

/** No read in the window with `anomaly`, over at least `minReads` completed reads. */
function noAnomaly(anomaly: 'stale' | 'read-your-writes' | 'monotonic', label: string, fix: string): Check {
  return (ctx, args) => {
    const reads = readsIn(ctx, args).filter((v) => v.ok);
    const bad = reads.filter((v) => v.anomalies.includes(anomaly));
    const min = args.minReads ?? 1;
    const detail = `${plural(bad.length, label)} in ${plural(reads.length, 'read')}`;
    if (reads.length < min) return { met: false, detail, why: `Too few reads to tell: at least ${min} are needed.` };
    if (bad.length > 0) {
      const v = bad[0];
      return { met: false, detail, why: `User ${v.user}'s read at ${v.at} ms on ${v.node} was one. ${fix}` };
    }
    return { met: true, detail, why: `Every one of the ${plural(reads.length, 'read')} was free of it.` };
  };
}

export const GOALS: Record<GoalName, Check> = {
  noRywViolations: noAnomaly(
    'read-your-writes',
    'read-your-writes violation',
    'Route a user who just wrote to a node that has the write.',
  ),
  noStaleReads: noAnomaly('stale', 'stale read', 'Read from a node that has every acknowledged write.'),
  noMonotonicViolations: noAnomaly(
    'monotonic',
    'monotonic-read violation',
    "Keep each user's reads on one replica (sticky), or on the primary.",
  ),
  noLostAckedOrders(ctx) {
    const lost = lostOrders(ctx);
    const failovers = promotions(ctx).length;
    const detail = `${plural(failovers, 'failover')}, ${plural(lost.length, 'acknowledged order')} lost`;
    if (failovers === 0) return { met: false, detail, why: 'No failover happened in this step: nothing was tested.' };
    if (lost.length > 0)
      return {
        met: false,
        detail,
        why: `Orders ${lost.map((o) => `#${o}`).join(', ')} were acknowledged but the promoted node never received them.`,
      };
    return { met: true, detail, why: 'The promoted node had received every acknowledged order.' };
  },
  promotedMostUpToDate(ctx) {
    const p = promotions(ctx).at(-1);
    if (!p?.node) return { met: false, detail: 'no promotion', why: 'No replica was promoted in this step.' };
    const timeline = (p.timeline ?? 2) - 1;
    const received = receivedBefore(ctx.events, p.seq, timeline);
    const down = downBefore(ctx.events, p.seq);
    const live = [...received].filter(([n]) => !down.has(n) && n !== 'primary');
    const mine = received.get(p.node) ?? 0;
    const best = live.reduce((a, b) => (b[1] > a[1] ? b : a), [p.node, mine] as [string, number]);
    const detail = `${p.node} had entry ${mine}; the most advanced live replica, ${best[0]}, had ${best[1]}`;
    return best[1] > mine
      ? {
          met: false,
          detail,
          why: `${best[0]} had ${best[1] - mine} more transactions: promoting ${p.node} threw them away.`,
        }
      : { met: true, detail, why: `${p.node} had received at least as much as every other live replica.` };
  },
  readSawOwnWrite(ctx, args) {
    const read = theRead(ctx, args);
    if (!read) return { met: false, detail: 'no read', why: 'No order read completed in this step.' };
    const order = orderFor(ctx, read.user, read.at, args.order);
    const saw = read.ok && read.missedOwn.length === 0 && (!order?.orderId || read.orderIds.includes(order.orderId));
    const detail = `user ${read.user}'s read on ${read.node} returned ${plural(read.orderIds.length, 'order')}`;
    return saw
      ? {
          met: true,
          detail,
          why: `${read.node} had the user's own order${order?.orderId ? ` #${order.orderId}` : ''}.`,
        }
      : {
          met: false,
          detail,
          why: read.ok ? `${read.node} had not replayed the user's own order yet.` : `The read failed: ${read.error}.`,
        };
  },
  noSplitBrain(ctx) {
    const w = splitBrainWrites(ctx)[0];
    const fenced = ofType(ctx, 'node.fenced');
    if (w)
      return {
        met: false,
        detail: `${w.node} and ${w.leader} both primary`,
        why: `At ${w.at} ms ${w.node} acknowledged order #${w.orderId} although ${w.leader} had been promoted.`,
      };
    return {
      met: true,
      detail: fenced.length ? `fenced: ${fenced.map((f) => f.node).join(', ')}` : 'one primary',
      why: fenced.length
        ? `The old primary was fenced (${fenced[0].detail}), so only one node accepted writes.`
        : 'Only one node accepted writes as primary.',
    };
  },
  commitLatencyBelow(ctx, args) {
    const bound = args.ms ?? 10;
    const { ms, acked } = commitLatency(ctx, args);
    const detail = `${args.stat ?? 'p50'} commit latency ${ms} ms over ${plural(acked.length, 'write')}`;
    if (acked.length === 0) return { met: false, detail, why: 'No write was acknowledged in this step.' };
    return ms <= bound
      ? { met: true, detail, why: `At or under ${bound} ms.` }
      : { met: false, detail, why: `Over ${bound} ms: each commit waits for a standby.` };
  },
  noFailedWrites(ctx, args) {
    const writes = writesIn(ctx, args, true);
    const failed = writes.filter((w) => w.error);
    const detail = `${plural(failed.length, 'failed write')} of ${writes.length}`;
    if (writes.length === 0) return { met: false, detail, why: 'No write was sent in this step.' };
    return failed.length
      ? { met: false, detail, why: `The first failed with: ${failed[0].error}.` }
      : { met: true, detail, why: 'Every write was accepted.' };
  },
};
