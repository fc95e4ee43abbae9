/**
 * The consistency checker: classifies every read against the history, with the evidence
 * that proves each verdict. It observes the history only and changes nothing.
 *
 * - stale: the node that served the read had not replayed a write acknowledged before the
 *   read began (the read does not reflect everything already confirmed to someone);
 * - read-your-writes: the read missed one of its own user's acknowledged orders;
 * - monotonic: the read saw fewer of the user's orders than an earlier read by that user
 *   (an order appeared, then vanished).
 */
import type { EventOf, Recorded } from '../sim/history.ts';

export type Anomaly = 'stale' | 'read-your-writes' | 'monotonic';
export const ANOMALIES: readonly Anomaly[] = ['stale', 'read-your-writes', 'monotonic'];

export interface AckedWrite {
  orderId: number;
  op: number;
  user: number;
  lsn: number;
  ackAt: number;
}

export interface ReadVerdict {
  op: number;
  at: number;
  doneAt: number;
  user: number;
  client: string;
  action: string;
  via?: string;
  /** The node that served the read. */
  node: string;
  ok: boolean;
  error?: string;
  orderIds: number[];
  /** The serving node's replay position when it ran the query. */
  replayLsn?: number;
  /** How far behind the serving node was, in ms. */
  lagMs?: number;
  latencyMs: number;
  anomalies: Anomaly[];
  /** stale: the newest acknowledged write the node had not replayed. */
  missedWrite?: AckedWrite;
  /** read-your-writes: the user's own acknowledged orders the read did not return. */
  missedOwn: AckedWrite[];
  /** monotonic: the earlier read whose orders vanished, and which. */
  vanished?: { op: number; node: string; orderIds: number[] };
  /** stale reads: kept for the issue-2 summary (true when any write was missed). */
  stale: boolean;
}

interface UserView {
  op: number;
  node: string;
  orderIds: Set<number>;
}

export function classifyReads(history: readonly Recorded[]): ReadVerdict[] {
  const invokes = new Map<number, EventOf<'write.invoke'>>();
  const acked: AckedWrite[] = [];
  /** maxLsn[i]: the highest LSN among acked[0..i], so "behind on anything?" is O(1). */
  const maxLsn: number[] = [];
  const ackedByUser = new Map<number, AckedWrite[]>();
  const pending = new Map<
    number,
    { invoke: EventOf<'read.invoke'>; ackedCount: number; ownCount: number; seen?: UserView }
  >();
  /** Per user: the most orders an earlier completed read showed. */
  const bestView = new Map<number, UserView>();
  const verdicts: ReadVerdict[] = [];
  const ack = (w: AckedWrite) => {
    acked.push(w);
    maxLsn.push(Math.max(maxLsn.at(-1) ?? 0, w.lsn));
    if (w.orderId < 0) return;
    const own = ackedByUser.get(w.user) ?? [];
    own.push(w);
    ackedByUser.set(w.user, own);
  };
  for (const e of history) {
    if (e.type === 'write.invoke') invokes.set(e.op, e);
    else if (e.type === 'write.ok') {
      const user = invokes.get(e.op)?.user ?? -1;
      for (const orderId of e.orderIds) ack({ orderId, op: e.op, user, lsn: e.lsn, ackAt: e.at });
      if (e.orderIds.length === 0) ack({ orderId: -1, op: e.op, user, lsn: e.lsn, ackAt: e.at });
    } else if (e.type === 'read.invoke') {
      // Only what was acknowledged, and what earlier reads had returned, before this read
      // began counts against it.
      pending.set(e.op, {
        invoke: e,
        ackedCount: acked.length,
        ownCount: ackedByUser.get(e.user)?.length ?? 0,
        seen: bestView.get(e.user),
      });
    } else if (e.type === 'read.ok' || e.type === 'read.fail') {
      const p = pending.get(e.op);
      if (!p) continue;
      pending.delete(e.op);
      const before: AckedBefore = {
        newestNotReplayed: (replayLsn) => newestAbove(acked, maxLsn, p.ackedCount, replayLsn),
        own: (ackedByUser.get(p.invoke.user) ?? []).slice(0, p.ownCount),
      };
      verdicts.push(judge(p.invoke, e, before, p.seen));
      if (e.type === 'read.ok' && p.invoke.action === 'readOrders') {
        const best = bestView.get(p.invoke.user);
        if (!best || e.orderIds.length >= best.orderIds.size) {
          bestView.set(p.invoke.user, { op: e.op, node: e.node, orderIds: new Set(e.orderIds) });
        }
      }
    }
  }
  return verdicts;
}

interface AckedBefore {
  /** The newest write acknowledged before the read whose LSN is above `replayLsn`. */
  newestNotReplayed: (replayLsn: number) => AckedWrite | undefined;
  /** The reading user's own acknowledged orders, oldest first. */
  own: AckedWrite[];
}

function newestAbove(acked: AckedWrite[], maxLsn: number[], count: number, lsn: number): AckedWrite | undefined {
  if (count === 0 || maxLsn[count - 1] <= lsn) return undefined;
  for (let i = count - 1; i >= 0; i--) if (acked[i].lsn > lsn) return acked[i];
  return undefined;
}

function judge(
  invoke: EventOf<'read.invoke'>,
  done: EventOf<'read.ok'> | EventOf<'read.fail'>,
  ackedBefore: AckedBefore,
  seenBefore: UserView | undefined,
): ReadVerdict {
  const base = {
    op: invoke.op,
    at: invoke.at,
    doneAt: done.at,
    user: invoke.user,
    client: invoke.client,
    action: invoke.action,
    via: invoke.via,
    node: done.node,
    latencyMs: done.at - invoke.at,
    missedOwn: [] as AckedWrite[],
  };
  if (done.type === 'read.fail') {
    return { ...base, ok: false, error: done.error, orderIds: [], anomalies: [], stale: false };
  }
  const anomalies: Anomaly[] = [];
  const missedWrite = ackedBefore.newestNotReplayed(done.replayLsn);
  if (missedWrite) anomalies.push('stale');
  let missedOwn: AckedWrite[] = [];
  let vanished: ReadVerdict['vanished'];
  if (invoke.action === 'readOrders') {
    const seen = new Set(done.orderIds);
    missedOwn = ackedBefore.own.filter((w) => !seen.has(w.orderId));
    if (missedOwn.length > 0) anomalies.push('read-your-writes');
    const gone = seenBefore ? [...seenBefore.orderIds].filter((id) => !seen.has(id)) : [];
    if (seenBefore && gone.length > 0) {
      anomalies.push('monotonic');
      vanished = { op: seenBefore.op, node: seenBefore.node, orderIds: gone };
    }
  }
  return {
    ...base,
    ok: true,
    orderIds: done.orderIds,
    replayLsn: done.replayLsn,
    lagMs: done.lagMs,
    anomalies,
    missedWrite,
    missedOwn,
    vanished,
    stale: anomalies.includes('stale'),
  };
}
