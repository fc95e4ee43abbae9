/**
 * Classifies reads against the history: a read is stale when it missed an order that was
 * acknowledged to its user before the read began (the seed's "I placed an order and my
 * orders page does not show it"). Observes the history only; changes nothing.
 */
import type { EventOf, Recorded } from '../history.ts';

export interface MissedWrite {
  orderId: number;
  op: number;
  lsn: number;
  ackAt: number;
}

export interface ReadVerdict {
  op: number;
  at: number;
  doneAt: number | undefined;
  user: number;
  node: string;
  ok: boolean;
  error?: string;
  orderIds: number[];
  replayLsn?: number;
  stale: boolean;
  missed: MissedWrite[];
}

export function classifyReads(history: readonly Recorded[]): ReadVerdict[] {
  const ackedByUser = new Map<number, MissedWrite[]>();
  const writeUser = new Map<number, number>();
  const reads = new Map<number, { invoke: EventOf<'read.invoke'>; acked: MissedWrite[] }>();
  const verdicts: ReadVerdict[] = [];
  for (const e of history) {
    if (e.type === 'write.invoke') writeUser.set(e.op, e.user);
    else if (e.type === 'write.ok') {
      const user = writeUser.get(e.op);
      if (user === undefined) continue;
      const list = ackedByUser.get(user) ?? [];
      for (const orderId of e.orderIds) list.push({ orderId, op: e.op, lsn: e.lsn, ackAt: e.at });
      ackedByUser.set(user, list);
    } else if (e.type === 'read.invoke') {
      // Only writes acknowledged before this read began count against it.
      reads.set(e.op, { invoke: e, acked: [...(ackedByUser.get(e.user) ?? [])] });
    } else if (e.type === 'read.ok' || e.type === 'read.fail') {
      const r = reads.get(e.op);
      if (!r) continue;
      const orderIds = e.type === 'read.ok' ? e.orderIds : [];
      const seen = new Set(orderIds);
      const missed = e.type === 'read.ok' ? r.acked.filter((w) => !seen.has(w.orderId)) : [];
      verdicts.push({
        op: e.op,
        at: r.invoke.at,
        doneAt: e.at,
        user: r.invoke.user,
        node: e.node,
        ok: e.type === 'read.ok',
        error: e.type === 'read.fail' ? e.error : undefined,
        orderIds,
        replayLsn: e.type === 'read.ok' ? e.replayLsn : undefined,
        stale: missed.length > 0,
        missed,
      });
    }
  }
  return verdicts;
}
