/**
 * The measures a lesson's prediction can ask about: pure functions of the history (the
 * step's window) that compute the answer and say why, with the evidence. A reveal compares
 * the learner's answer with this, so it follows whatever the engine did: lower a replica's
 * lag and "will this read see order #N" flips on its own.
 */
import { formatLsn } from '../engine/index.ts';
import { percentile } from '../scenarios/summary.ts';
import {
  behindAtEnd,
  commitLatency,
  lostOrders,
  ofType,
  orderFor,
  plural,
  promotions,
  readsIn,
  splitBrainWrites,
  theRead,
  writesIn,
} from './facts.ts';
import { duplicateOrderIds, lastEndedMove, lastMove, lastProbe, shardWriteFailures } from './shardFacts.ts';
import type { EvaluationContext, MeasureArgs, MeasureName, MeasureValue } from './types.ts';

export interface Measured {
  actual: MeasureValue;
  explanation: string;
}

type Measure = (ctx: EvaluationContext, args: MeasureArgs) => Measured;

const noRead = (args: MeasureArgs): Measured => ({
  actual: 'no read',
  explanation: `No order read${args.user ? ` by user ${args.user}` : ''} completed in this step.`,
});

/** Counts reads in the window with an anomaly. */
function anomalyCount(anomaly: 'stale' | 'read-your-writes' | 'monotonic', label: string): Measure {
  return (ctx, args) => {
    const reads = readsIn(ctx, args).filter((v) => v.ok);
    const bad = reads.filter((v) => v.anomalies.includes(anomaly));
    const first = bad[0];
    return {
      actual: bad.length,
      explanation:
        `${plural(bad.length, label)} in ${plural(reads.length, 'read')}` +
        (first ? `; the first at ${first.at} ms, user ${first.user} on ${first.node}.` : '.'),
    };
  };
}

export const MEASURES: Record<MeasureName, Measure> = {
  readSawOrder(ctx, args) {
    const read = theRead(ctx, args);
    if (!read) return noRead(args);
    const order = orderFor(ctx, read.user, read.at, args.order);
    if (!order?.orderId) return { actual: 'no', explanation: `User ${read.user} had no acknowledged order yet.` };
    const saw = read.ok && read.orderIds.includes(order.orderId);
    const acked = 'ackAt' in order && order.ackAt !== undefined ? `, acknowledged at ${order.ackAt} ms` : '';
    return {
      actual: saw ? 'yes' : 'no',
      explanation: read.ok
        ? `The read at ${read.at} ms was served by ${read.node} (replay LSN ${formatLsn(read.replayLsn ?? 0)}): ` +
          `order #${order.orderId}${acked} was ${saw ? '' : 'not '}there${saw ? '' : read.lostOwn?.some((m) => m.orderId === order.orderId) ? ': it was lost (a failover or split brain left it off this timeline)' : `: ${read.node} had not replayed it yet`}.`
        : `The read at ${read.at} ms failed: ${read.error}.`,
    };
  },
  readVerdict(ctx, args) {
    const read = theRead(ctx, args);
    if (!read) return noRead(args);
    const a = read.anomalies;
    const verdict = !read.ok
      ? 'failed'
      : a.includes('monotonic')
        ? 'monotonic'
        : a.includes('read-your-writes')
          ? 'read-your-writes'
          : a.includes('stale')
            ? 'stale'
            : 'fresh';
    const why: Record<string, string> = {
      failed: `it failed: ${read.error}`,
      monotonic: `${read.vanished?.orderIds.map((o) => `#${o}`).join(', ')}, shown by an earlier read (on ${read.vanished?.node}), vanished`,
      'read-your-writes': `it missed the user's own order ${read.missedOwn.map((m) => `#${m.orderId}`).join(', ')}`,
      stale: `${read.node} had not replayed order #${read.missedWrite?.orderId}, acknowledged before the read began`,
      fresh: `${read.node} had every acknowledged write`,
    };
    return {
      actual: verdict,
      explanation: `User ${read.user}'s read on ${read.node} at ${read.at} ms: ${why[verdict]}.`,
    };
  },
  servedBy(ctx, args) {
    const read = theRead(ctx, args);
    if (!read) return noRead(args);
    return {
      actual: read.node,
      explanation: `User ${read.user}'s read at ${read.at} ms${read.via ? ` via ${read.via}` : ''} was served by ${read.node}.`,
    };
  },
  promotedNode(ctx) {
    const p = promotions(ctx).at(-1);
    const none = ofType(ctx, 'failover.phase').find((e) => e.phase === 'no-candidate' || e.phase === 'failed');
    if (!p?.node)
      return { actual: 'nobody', explanation: none ? `Nobody was promoted: ${none.detail}.` : 'No failover happened.' };
    const elect = ofType(ctx, 'failover.phase')
      .filter((e) => e.phase === 'elect' && e.at <= p.at)
      .at(-1);
    return { actual: p.node, explanation: `${p.node} was promoted at ${p.at} ms${elect ? `: ${elect.detail}` : ''}.` };
  },
  lostAckedOrders(ctx) {
    const lost = lostOrders(ctx);
    const failovers = promotions(ctx).length;
    return {
      actual: lost.length,
      explanation: failovers
        ? lost.length
          ? `Acknowledged to the customer, then gone with the failover: order${lost.length > 1 ? 's' : ''} ${lost.map((o) => `#${o}`).join(', ')} never reached the promoted node.`
          : 'The promoted node had every acknowledged order: nothing was lost.'
        : 'No failover happened in this step, so nothing was lost to one.',
    };
  },
  commitLatencyMs(ctx, args) {
    const { ms, acked } = commitLatency(ctx, args);
    const waiting = writesIn(ctx, args).filter((w) => w.ackAt === undefined && !w.error).length;
    return {
      actual: ms,
      explanation:
        `${args.stat ?? 'Median'} commit latency ${ms} ms over ${plural(acked.length, 'acknowledged write')}` +
        (waiting ? `; ${plural(waiting, 'write')} still waiting for a standby.` : '.'),
    };
  },
  staleReads: anomalyCount('stale', 'stale read'),
  rywViolations: anomalyCount('read-your-writes', 'read-your-writes violation'),
  monotonicViolations: anomalyCount('monotonic', 'monotonic-read violation'),
  failedWrites(ctx, args) {
    const writes = writesIn(ctx, args, true);
    const failed = writes.filter((w) => w.error);
    return {
      actual: failed.length,
      explanation: `${plural(failed.length, 'write')} of ${writes.length} failed${failed[0] ? ` (first: ${failed[0].error})` : ''}.`,
    };
  },
  ackedWrites(ctx, args) {
    const acked = writesIn(ctx, args, true).filter((w) => w.ackAt !== undefined && w.ackAt <= ctx.window.endMs);
    return {
      actual: acked.length,
      explanation: `${plural(acked.length, 'write')}${args.user ? ` by user ${args.user}` : ''}${args.node ? ` sent to ${args.node}` : ''} acknowledged ${args.from === 'lesson' ? 'so far' : 'in this step'}.`,
    };
  },
  splitBrain(ctx) {
    const w = splitBrainWrites(ctx)[0];
    return {
      actual: w ? 'yes' : 'no',
      explanation: w
        ? `At ${w.at} ms ${w.node} acknowledged order #${w.orderId} while ${w.leader} was the primary: two nodes accepted writes as primary.`
        : 'No two nodes accepted writes as primary at the same time.',
    };
  },
  behindEntries(ctx, args) {
    const node = args.node ?? 'replica-1';
    const { behind, head, applied } = behindAtEnd(ctx, node);
    return {
      actual: behind,
      explanation: `At ${ctx.window.endMs} ms the log's newest entry was ${head}; ${node} had replayed up to ${applied}: ${plural(behind, 'transaction')} behind.`,
    };
  },
  primaryReadShare(ctx, args) {
    const reads = readsIn(ctx, args).filter((v) => v.ok);
    const primary = promotions(ctx).at(-1)?.node ?? 'primary';
    const onPrimary = reads.filter((v) => v.node === primary || v.node === 'primary').length;
    const share = reads.length ? Math.round((onPrimary / reads.length) * 100) : 0;
    return {
      actual: share,
      explanation: `${onPrimary} of ${plural(reads.length, 'read')} (${share}%) were served by the primary; the rest by replicas.`,
    };
  },
  readLatencyMs(ctx, args) {
    const reads = readsIn(ctx, args).filter((v) => v.ok);
    const sorted = reads.map((v) => v.latencyMs).sort((a, b) => a - b);
    const stat = args.stat ?? 'p50';
    const ms =
      Math.round(
        (stat === 'last' ? (reads.at(-1)?.latencyMs ?? 0) : percentile(sorted, stat === 'max' ? 1 : 0.5)) * 10,
      ) / 10;
    return {
      actual: ms,
      explanation: `${stat} read latency ${ms} ms over ${plural(reads.length, 'read')}.`,
    };
  },
  probedShard(ctx, args) {
    const probe = lastProbe(ctx, args);
    if (!probe) return { actual: 'no probe', explanation: 'No key was probed in this step.' };
    return {
      actual: probe.shard ?? 'every shard',
      explanation: `The router placed ${probe.key} by ${probe.route}.`,
    };
  },
  movedRowsPercent(ctx) {
    const done = lastMove(ctx);
    if (!done) return { actual: 0, explanation: 'No shard move finished in this step.' };
    const { move, percent } = done;
    const theory =
      move.expectedMovedShare === undefined ? '' : ` (theory: ${Math.round(move.expectedMovedShare * 1000) / 10}%)`;
    return {
      actual: percent,
      explanation: `Moving onto ${move.targets.join(', ')} carried ${move.movedRows} of ${move.totalRows} rows: ${percent}%${theory}.`,
    };
  },
  duplicateOrderIds(ctx) {
    const { ids, orders, shards } = duplicateOrderIds(ctx);
    const shown = ids
      .slice(0, 5)
      .map((id) => `#${id}`)
      .join(', ');
    return {
      actual: ids.length,
      explanation: ids.length
        ? `${plural(ids.length, 'order id')} (${shown}${ids.length > 5 ? ', ...' : ''}) ${ids.length === 1 ? 'was' : 'were'} handed out by more than one shard, over ${plural(orders, 'order')} on ${plural(shards, 'shard')}.`
        : `Each of the ${plural(orders, 'order')} on ${plural(shards, 'shard')} got an id no other shard used.`,
    };
  },
  scatterShards(ctx) {
    const scatter = ofType(ctx, 'shard.scatter').at(-1);
    if (!scatter) return { actual: 0, explanation: 'No query went to every shard in this step.' };
    return {
      actual: scatter.shards.length,
      explanation: `"${scatter.query}" has no shard key, so the router asked ${scatter.shards.join(', ')} and merged ${plural(scatter.rows, 'row')}; the slowest shard set its latency, ${scatter.latencyMs} ms.`,
    };
  },
  failedShardWritesPercent(ctx) {
    const { sent, failed, shards } = shardWriteFailures(ctx);
    if (sent === 0) return { actual: 0, explanation: 'No order went to a shard in this step.' };
    const percent = Math.round((failed / sent) * 1000) / 10;
    return {
      actual: percent,
      explanation: failed
        ? `${plural(failed, 'order')} of ${sent} failed (${percent}%), all on ${shards.join(', ')}: the users it owns. The other shards took the rest.`
        : `All ${plural(sent, 'order')} sent to shards were acknowledged.`,
    };
  },
  scatterOutcome(ctx) {
    const answered = ofType(ctx, 'shard.scatter').at(-1);
    const failed = ofType(ctx, 'shard.scatter.fail').at(-1);
    if (failed && (!answered || failed.at > answered.at))
      return {
        actual: 'failed',
        explanation: `"${failed.query}" needs every shard and ${failed.downShards.join(', ')} did not answer (${failed.error}): no partial answer.`,
      };
    if (!answered) return { actual: 'none', explanation: 'No query went to every shard in this step.' };
    return {
      actual: 'answered',
      explanation: `"${answered.query}" asked ${answered.shards.join(', ')} and merged ${plural(answered.rows, 'row')} in ${answered.latencyMs} ms.`,
    };
  },
  moveOutcome(ctx) {
    const move = lastEndedMove(ctx);
    if (!move) return { actual: 'running', explanation: 'No shard move ended in this step.' };
    return {
      actual: move.status,
      explanation:
        move.status === 'done'
          ? `The move onto ${move.targets.join(', ')} finished: ${move.movedRows ?? 0} rows moved.`
          : `The move onto ${move.targets.join(', ')} failed (${move.detail}); routing stayed as it was.`,
    };
  },
  downtimeMs(ctx) {
    const p = promotions(ctx).at(-1);
    const detect = ofType(ctx, 'failover.phase').find((e) => e.phase === 'detect');
    const endpoint = ofType(ctx, 'failover.phase')
      .filter((e) => e.phase === 'endpoint')
      .at(-1);
    const down = ofType(ctx, 'node.down')[0];
    if (!p || !endpoint || !down) return { actual: 0, explanation: 'No completed failover in this step.' };
    const ms = endpoint.at - down.at;
    return {
      actual: ms,
      explanation: `${down.node} went down at ${down.at} ms${detect ? `, was declared dead at ${detect.at} ms` : ''}, ${p.node} was promoted at ${p.at} ms and the endpoint moved at ${endpoint.at} ms: ${ms} ms without a primary.`,
    };
  },
};
