/**
 * The fuzzer's and the property tests' oracle: invariants of a finished run, recomputed
 * from the history and the final primary's rows alone, independently of the bookkeeping
 * the engine decides with (it never asks the engine which writes were lost: it works that
 * out from what each node received). Each invariant also counts whether the run met the
 * situation it is about, so a test can show it is not vacuous.
 *
 * - one-writable-primary: with fencing on throughout, every acknowledged write came from
 *   the primary of that moment, and no split brain was recorded;
 * - sync-keeps-acked: a write acknowledged under synchronous replication, kept synchronous
 *   until a promotion, is not lost at it (nor by an old primary acknowledging alone);
 * - lost-is-never-received: at each promotion, the orders reported lost are exactly the
 *   acknowledged ones of the old timeline the promoted node never received;
 * - acked-on-final-primary: after healing, every acknowledged order still on the final
 *   timeline is in the final primary's rows, and no order reported lost is;
 * - reads-match-positions: a read whose node held (by its position) one of the user's
 *   acknowledged orders returned it;
 * - converged-after-heal: after healing and draining, every replica equals the primary.
 */
import type { EventOf, Recorded } from '../sim/history.ts';
import { type EntryRef, Lineage } from './lineage.ts';

export type InvariantName =
  | 'one-writable-primary'
  | 'sync-keeps-acked'
  | 'lost-is-never-received'
  | 'acked-on-final-primary'
  | 'reads-match-positions'
  | 'converged-after-heal';

export const INVARIANTS: readonly InvariantName[] = [
  'one-writable-primary',
  'sync-keeps-acked',
  'lost-is-never-received',
  'acked-on-final-primary',
  'reads-match-positions',
  'converged-after-heal',
];

export interface RunFacts {
  history: readonly Recorded[];
  /** The final primary's orders, each as `order id@engine ms it was placed` (ids repeat across timelines). */
  finalOrders: ReadonlySet<string>;
  converged: { converged: boolean; differing: string[] };
}

export interface InvariantReport {
  violations: string[];
  /** Per invariant: how many times the run met the situation it is about. */
  met: Record<InvariantName, number>;
}

interface Ack extends EntryRef {
  op: number;
  /** The acknowledgement's place in the history. */
  seq: number;
  node: string;
  at: number;
  orderIds: number[];
  /** `order id@engine ms of the write`, the order as its row shows it. */
  key: string;
  user: number;
  /** Whether it was acknowledged under synchronous replication of orders, which has held since. */
  sync: boolean;
  /** The primary at that moment, as the promotions in the history say. */
  leader: string;
}

/** Follows the history once: who leads, the mode, what each node received, every acknowledgement. */
function replay(history: readonly Recorded[]) {
  const lineage = new Lineage();
  const invokes = new Map<number, EventOf<'write.invoke'>>();
  const acks: Ack[] = [];
  const received = new Map<string, Set<string>>();
  /** Positions a node holds wholesale (a fresh copy, a rewind): lineage prefixes. */
  const bases = new Map<string, EntryRef[]>([]);
  /** Each promotion, with the old primary's acknowledged writes of its timeline the candidate did not hold then. */
  const promotions: {
    e: EventOf<'failover.phase'>;
    onOld: Ack[];
    never: Ack[];
    lost?: EventOf<'failover.lost'>;
    /** Whether orders were replicated synchronously when it happened. */
    sync: boolean;
  }[] = [];
  let leader = 'primary';
  let sync = false;
  let fencingOff = false;
  let syncSince = -1;
  let lastLost: EventOf<'failover.lost'> | undefined;
  const heldBy = (node: string, w: EntryRef) =>
    received.get(node)?.has(`${w.timeline}/${w.entry}`) ||
    (bases.get(node) ?? [{ timeline: 1, entry: 0 }]).some((b) => lineage.holds(b, w));
  for (const e of history) {
    if (e.type === 'write.invoke') invokes.set(e.op, e);
    else if (e.type === 'write.ok') {
      const inv = invokes.get(e.op);
      acks.push({
        op: e.op,
        seq: e.seq,
        node: e.node,
        at: e.at,
        timeline: e.timeline,
        entry: e.entry,
        orderIds: e.orderIds,
        key: `${e.orderIds[0]}@${inv?.at}`,
        user: inv?.user ?? -1,
        sync: sync && syncSince <= (inv?.at ?? e.at),
        leader,
      });
    } else if (e.type === 'repl.received') {
      const set = received.get(e.node) ?? new Set<string>();
      set.add(`${e.timeline}/${e.entry}`);
      received.set(e.node, set);
    } else if (e.type === 'node.rewound') {
      bases.set(e.node, [
        ...(bases.get(e.node) ?? [{ timeline: 1, entry: 0 }]),
        { timeline: e.timeline, entry: e.entry },
      ]);
    } else if (e.type === 'mode.changed' && e.kind === 'orders') {
      const nowSync = e.mode.startsWith('sync');
      if (nowSync && !sync) syncSince = e.at;
      // Synchronous protection lasts while the mode does: a write is owed it only while it holds.
      if (!nowSync) for (const ack of acks) ack.sync = false;
      sync = nowSync;
    } else if (e.type === 'config.changed' && e.setting === 'fencing' && e.value === 'off') fencingOff = true;
    else if (e.type === 'failover.lost') lastLost = e;
    else if (e.type === 'failover.phase' && e.phase === 'promote' && e.node) {
      const candidate = e.node;
      // Acknowledged by the primary of their moment and still on the old primary's
      // timeline (whoever wrote them: they may have come through earlier promotions).
      const onOld = acks.filter((a) => a.node === a.leader && lineage.kept(a));
      promotions.push({ e, onOld, never: onOld.filter((a) => !heldBy(candidate, a)), lost: lastLost, sync });
      lastLost = undefined;
      leader = e.node;
    }
    lineage.note(e);
  }
  return { lineage, acks, promotions, fencingOff };
}

export function checkInvariants(facts: RunFacts): InvariantReport {
  const { history } = facts;
  const met = Object.fromEntries([...INVARIANTS].map((n) => [n, 0])) as Record<InvariantName, number>;
  const violations: string[] = [];
  const fail = (name: InvariantName, text: string) => violations.push(`${name}: ${text}`);
  const r = replay(history);

  // one-writable-primary
  if (!r.fencingOff) {
    if (r.promotions.length > 0) met['one-writable-primary']++;
    const rogue = r.acks.filter((a) => a.node !== a.leader);
    if (rogue.length > 0)
      fail(
        'one-writable-primary',
        `with fencing on, ${rogue.map((a) => `${a.node} acknowledged op ${a.op}`).join(', ')}`,
      );
    const split = history.find((e) => e.type === 'split-brain');
    if (split) fail('one-writable-primary', `split brain recorded with fencing on (event ${split.seq})`);
  }

  // lost-is-never-received and sync-keeps-acked, per promotion
  for (const p of r.promotions) {
    const candidate = p.e.node as string;
    const { onOld, never } = p;
    const expected = never.flatMap((a) => a.orderIds).sort((x, y) => x - y);
    const reported = [...(p.lost?.orderIds ?? [])].sort((x, y) => x - y);
    if (expected.length > 0) met['lost-is-never-received']++;
    if (JSON.stringify(expected) !== JSON.stringify(reported))
      fail(
        'lost-is-never-received',
        `promotion of ${candidate} at ${p.e.at} ms: reported lost [${reported}], never received [${expected}]`,
      );
    const syncLost = never.filter((a) => a.sync);
    if (p.sync || onOld.some((a) => a.sync)) met['sync-keeps-acked']++;
    if (syncLost.length > 0)
      fail(
        'sync-keeps-acked',
        `promotion of ${candidate} at ${p.e.at} ms lost synchronous orders [${syncLost.map((a) => a.orderIds[0])}]`,
      );
  }
  const lonely = r.acks.filter((a) => a.sync && a.node !== a.leader);
  if (lonely.length > 0)
    fail(
      'sync-keeps-acked',
      `${lonely.map((a) => `${a.node} acknowledged op ${a.op}`).join(', ')} under sync replication without being the primary`,
    );

  // acked-on-final-primary
  const lostOps = new Set(history.flatMap((e) => (e.type === 'failover.lost' ? e.ops : [])));
  for (const a of r.acks) {
    if (a.orderIds.length === 0) continue;
    const kept = r.lineage.kept(a);
    if (kept) met['acked-on-final-primary']++;
    if (kept && !facts.finalOrders.has(a.key))
      fail(
        'acked-on-final-primary',
        `order ${a.key} (op ${a.op}, entry ${a.timeline}/${a.entry}) is missing on the final primary`,
      );
    if (lostOps.has(a.op) && facts.finalOrders.has(a.key))
      fail('acked-on-final-primary', `order ${a.key} was reported lost but is on the final primary`);
  }

  // reads-match-positions
  const acksByUser = new Map<number, Ack[]>();
  for (const a of r.acks) acksByUser.set(a.user, [...(acksByUser.get(a.user) ?? []), a]);
  const readInvokes = new Map<number, EventOf<'read.invoke'>>();
  const check = new Lineage();
  for (const e of history) {
    check.note(e);
    if (e.type === 'read.invoke') readInvokes.set(e.op, e);
    if (e.type !== 'read.ok') continue;
    const inv = readInvokes.get(e.op);
    if (inv?.action !== 'readOrders') continue;
    const ids = new Set(e.orderIds);
    // Acknowledged before the read began (a commit still waiting for a standby is hidden from other sessions).
    const acked = (acksByUser.get(inv.user) ?? []).filter((a) => a.seq < inv.seq);
    for (const a of acked) {
      if (!check.holds({ timeline: e.timeline, entry: e.entry }, a)) continue;
      met['reads-match-positions']++;
      if (!ids.has(a.orderIds[0]))
        fail(
          'reads-match-positions',
          `read op ${e.op} on ${e.node} at ${e.timeline}/${e.entry} holds order ${a.key} but did not return it`,
        );
    }
  }

  // converged-after-heal
  if (history.some((e) => e.type === 'node.down' || e.type === 'node.partitioned' || e.type === 'link.changed'))
    met['converged-after-heal']++;
  if (!facts.converged.converged)
    fail(
      'converged-after-heal',
      `after healing and draining, ${facts.converged.differing.join(', ')} differ from the primary`,
    );
  return { violations, met };
}
