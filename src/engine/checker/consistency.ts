/**
 * The consistency checker: classifies every read against the history, with the evidence
 * that proves each verdict. It observes the history only and changes nothing.
 *
 * - stale: the node that served the read had not applied a write acknowledged before the
 *   read began (the read does not reflect everything already confirmed to someone);
 * - read-your-writes: the read missed one of its own user's acknowledged orders;
 * - monotonic: the read saw fewer of the user's orders than an earlier read by that user
 *   (an order appeared, then vanished).
 *
 * Right across failovers: whether the serving node held a write is decided by which log
 * entries it held (its own timeline and position, recorded with the read), never by
 * comparing LSNs, and an order is the write that placed it (its entry), not its id, which
 * a new timeline may reuse. An acknowledged write a failover threw away (lost, or written
 * by an old primary in split brain) is data loss: a read missing it reports it in
 * `lostOwn`, not as a lag anomaly.
 */
import type { EventOf, Recorded } from '../sim/history.ts';
import { type EntryRef, Lineage } from './lineage.ts';

export type Anomaly = 'stale' | 'read-your-writes' | 'monotonic';
export const ANOMALIES: readonly Anomaly[] = ['stale', 'read-your-writes', 'monotonic'];

export interface AckedWrite {
  orderId: number;
  op: number;
  user: number;
  lsn: number;
  ackAt: number;
  /** Its log entry: index and the timeline that wrote it. */
  entry?: number;
  timeline?: number;
}

type Acked = AckedWrite & EntryRef;

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
  /** What the serving node held: its timeline's entries up to `entry`. */
  timeline?: number;
  entry?: number;
  /** How far behind the serving node was, in ms. */
  lagMs?: number;
  latencyMs: number;
  anomalies: Anomaly[];
  /** stale: the newest acknowledged write the node had not applied. */
  missedWrite?: AckedWrite;
  /** read-your-writes: the user's own acknowledged orders the read did not return. */
  missedOwn: AckedWrite[];
  /** The user's own acknowledged orders the read did not return because a failover threw them away (data loss, not lag). */
  lostOwn?: AckedWrite[];
  /** monotonic: the earlier read whose orders vanished, and which. */
  vanished?: { op: number; node: string; orderIds: number[] };
  /** stale reads: kept for the issue-2 summary (true when any write was missed). */
  stale: boolean;
}

/** What an earlier read showed a user: the ids, and where it stood (to tell which order each id was). */
interface UserView {
  op: number;
  node: string;
  orderIds: number[];
  at: EntryRef;
}

interface PendingRead {
  invoke: EventOf<'read.invoke'>;
  ackedCount: number;
  ownCount: number;
  seen?: UserView;
}

/** Every acknowledged write so far, with what a verdict asks of them. */
class AckedWrites {
  readonly list: Acked[] = [];
  /** maxEntry[i]: the highest entry index among list[0..i], so "behind on anything?" is O(1). */
  private readonly maxEntry: number[] = [];
  readonly byUser = new Map<number, Acked[]>();
  private readonly byOrderId = new Map<number, Acked[]>();

  constructor(private readonly lineage: Lineage) {}

  add(w: Acked): void {
    this.list.push(w);
    this.maxEntry.push(Math.max(this.maxEntry.at(-1) ?? 0, w.entry));
    if (w.orderId < 0) return;
    for (const [map, key] of [
      [this.byUser, w.user],
      [this.byOrderId, w.orderId],
    ] as const) {
      const list = map.get(key) ?? [];
      list.push(w);
      map.set(key, list);
    }
  }

  /** The newest of the first `count` writes that is still on the primary's history and `at` does not hold. */
  newestMissed(count: number, at: EntryRef): Acked | undefined {
    const { lineage } = this;
    // Fast path: a node on the current history, at or past every acknowledged entry, misses nothing.
    if (count === 0 || (at.timeline === lineage.current && this.maxEntry[count - 1] <= at.entry)) return undefined;
    for (let i = count - 1; i >= 0; i--) {
      const w = this.list[i];
      if (lineage.kept(w) && !lineage.holds(at, w)) return w;
    }
    return undefined;
  }

  /** The acknowledged write that placed order `orderId` as a node at `at` holds it, if any. */
  placing(orderId: number, at: EntryRef): Acked | undefined {
    return this.byOrderId.get(orderId)?.find((w) => this.lineage.holds(at, w));
  }
}

export function classifyReads(history: readonly Recorded[]): ReadVerdict[] {
  const classifier = new ReadClassifier();
  const verdicts: ReadVerdict[] = [];
  for (const e of history) {
    const verdict = classifier.add(e);
    if (verdict) verdicts.push(verdict);
  }
  return verdicts;
}

/**
 * classifyReads one event at a time, for a history that keeps growing (the page's checker):
 * a verdict depends only on the events before its read completed, so it is final when
 * given, and feeding every event in order gives exactly classifyReads' verdicts.
 */
export class ReadClassifier {
  private readonly lineage = new Lineage();
  private readonly acked = new AckedWrites(this.lineage);
  private readonly invokes = new Map<number, EventOf<'write.invoke'>>();
  private readonly pending = new Map<number, PendingRead>();
  /** Per user: the most orders an earlier completed read showed. */
  private readonly bestView = new Map<number, UserView>();

  /** Follows the next history event; returns the verdict on the read it completes, if any. */
  add(e: Recorded): ReadVerdict | undefined {
    const { lineage, acked, invokes, pending, bestView } = this;
    lineage.note(e);
    if (e.type === 'write.invoke') invokes.set(e.op, e);
    else if (e.type === 'write.ok') {
      const user = invokes.get(e.op)?.user ?? -1;
      invokes.delete(e.op);
      const base = { op: e.op, user, lsn: e.lsn, ackAt: e.at, entry: e.entry, timeline: e.timeline };
      for (const orderId of e.orderIds) acked.add({ orderId, ...base });
      if (e.orderIds.length === 0) acked.add({ orderId: -1, ...base });
    } else if (e.type === 'read.invoke') {
      // Only what was acknowledged, and what earlier reads had returned, before this read
      // began counts against it.
      pending.set(e.op, {
        invoke: e,
        ackedCount: acked.list.length,
        ownCount: acked.byUser.get(e.user)?.length ?? 0,
        seen: bestView.get(e.user),
      });
    } else if (e.type === 'read.ok' || e.type === 'read.fail') {
      const p = pending.get(e.op);
      if (!p) return undefined;
      pending.delete(e.op);
      const verdict = judge(p, e, acked, lineage);
      if (e.type === 'read.ok' && p.invoke.action === 'readOrders') {
        const best = bestView.get(p.invoke.user);
        if (!best || e.orderIds.length >= best.orderIds.length) {
          bestView.set(p.invoke.user, { op: e.op, node: e.node, orderIds: e.orderIds, at: positionOf(e) });
        }
      }
      return verdict;
    }
    return undefined;
  }
}

function positionOf(e: EventOf<'read.ok'>): EntryRef {
  return { timeline: e.timeline, entry: e.entry };
}

function judge(
  p: PendingRead,
  done: EventOf<'read.ok'> | EventOf<'read.fail'>,
  acked: AckedWrites,
  lineage: Lineage,
): ReadVerdict {
  const { invoke } = p;
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
  const at = positionOf(done);
  const anomalies: Anomaly[] = [];
  const missedWrite = acked.newestMissed(p.ackedCount, at);
  if (missedWrite) anomalies.push('stale');
  let missedOwn: AckedWrite[] = [];
  let lostOwn: AckedWrite[] = [];
  let vanished: ReadVerdict['vanished'];
  if (invoke.action === 'readOrders') {
    const ids = new Set(done.orderIds);
    // Seen: its id is in the rows and the node holds its entry (the same id may be another order).
    const own = (acked.byUser.get(invoke.user) ?? []).slice(0, p.ownCount);
    const unseen = own.filter((w) => !(ids.has(w.orderId) && lineage.holds(at, w)));
    missedOwn = unseen.filter((w) => lineage.kept(w));
    lostOwn = unseen.filter((w) => !lineage.kept(w));
    if (missedOwn.length > 0) anomalies.push('read-your-writes');
    const gone = p.seen ? goneSince(p.seen, ids, at, acked, lineage) : [];
    if (p.seen && gone.length > 0) {
      anomalies.push('monotonic');
      vanished = { op: p.seen.op, node: p.seen.node, orderIds: gone };
    }
  }
  return {
    ...base,
    ok: true,
    orderIds: done.orderIds,
    replayLsn: done.replayLsn,
    timeline: done.timeline,
    entry: done.entry,
    lagMs: done.lagMs,
    anomalies,
    missedWrite,
    missedOwn,
    lostOwn,
    vanished,
    stale: anomalies.includes('stale'),
  };
}

/**
 * Orders an earlier read showed that this one does not: an id it lacks, or the same id
 * now naming another order. An order a failover threw away is loss, not a monotonic-read
 * violation, and is left out.
 */
function goneSince(
  seen: UserView,
  ids: ReadonlySet<number>,
  at: EntryRef,
  acked: AckedWrites,
  lineage: Lineage,
): number[] {
  return seen.orderIds.filter((id) => {
    const then = acked.placing(id, seen.at);
    if (then && !lineage.kept(then)) return false;
    return !ids.has(id) || acked.placing(id, at) !== then;
  });
}
