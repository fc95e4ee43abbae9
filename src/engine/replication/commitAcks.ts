/**
 * When the primary may acknowledge a commit: the replication mode per kind of data, what
 * the primary knows of each standby (its feedback, which travels back over the link and
 * so arrives a link delay after the standby wrote or replayed), and the commits waiting.
 * Semi-sync falls back to async after its timeout and returns when a replica catches up;
 * sync never falls back. Every switch is recorded in the history.
 */
import type { DataKind } from '../app/appTier.ts';
import type { VirtualClock } from '../sim/clock.ts';
import type { History } from '../sim/history.ts';
import { commitAcknowledged, formatStandbyNames, type ReplicationMode, type StandbyFeedback } from './modes.ts';

export interface WaitingCommit {
  op: number;
  entry: number;
  kind: DataKind;
  orderIds: number[];
  sinceMs: number;
  waitingFor: string[];
}

interface Waiter extends WaitingCommit {
  done: () => void;
  abort: (reason: string) => void;
  timer?: number;
}

export interface CommitAcksDeps {
  clock: VirtualClock;
  history: History;
  /** Each replica: streaming now, and the one-way delay its feedback takes back. */
  standbys: () => { name: string; streaming: boolean; returnMs: number }[];
  headIndex: () => number;
}

export function describeMode(mode: ReplicationMode): string {
  if (mode.mode === 'async') return 'async';
  if (mode.mode === 'semi-sync') return `semi-sync (timeout ${mode.timeoutMs} ms)`;
  return `sync ${formatStandbyNames(mode.standbys)}, synchronous_commit = ${mode.level}`;
}

export class CommitAcks {
  private readonly mode: Record<DataKind, ReplicationMode> = { orders: { mode: 'async' }, products: { mode: 'async' } };
  private readonly fallenBack: Record<DataKind, boolean> = { orders: false, products: false };
  private readonly known = new Map<string, { receivedIndex: number; replayedIndex: number }>();
  private readonly waiters = new Set<Waiter>();
  /**
   * Commits an old primary was waiting on when another node was promoted, by that node:
   * its standbys now follow the new primary, so nothing they report is about these (the
   * same entry numbers name other transactions there). A synchronous one waits until its
   * server goes down (the client then loses the connection); a semi-sync one is
   * acknowledged at its timeout, as an isolated MySQL source falls back to async.
   */
  private readonly orphaned = new Map<Waiter, string>();

  constructor(private readonly deps: CommitAcksDeps) {}

  setMode(mode: ReplicationMode, kind?: DataKind): void {
    for (const k of kind ? [kind] : (['orders', 'products'] as const)) {
      this.mode[k] = mode;
      this.fallenBack[k] = false;
      this.deps.history.record({ type: 'mode.changed', kind: k, mode: describeMode(mode), reason: 'set' });
    }
    this.recheck();
  }

  modes(): Record<DataKind, ReplicationMode & { fallenBack?: boolean }> {
    return {
      orders: { ...this.mode.orders, ...(this.fallenBack.orders ? { fallenBack: true } : {}) },
      products: { ...this.mode.products, ...(this.fallenBack.products ? { fallenBack: true } : {}) },
    };
  }

  /** A standby wrote (received) or replayed entry `index`; the primary hears of it a link delay later. */
  feedback(replica: string, what: 'received' | 'replayed', index: number): void {
    if (this.waiters.size === 0 && !this.fallenBack.orders && !this.fallenBack.products) {
      // Nothing waits: still keep the primary's view current, without a clock event.
      this.learn(replica, what, index);
      return;
    }
    const returnMs = this.deps.standbys().find((s) => s.name === replica)?.returnMs ?? 0;
    this.deps.clock.schedule(returnMs, () => {
      this.learn(replica, what, index);
      this.recheck();
    });
  }

  private learn(replica: string, what: 'received' | 'replayed', index: number): void {
    const k = this.known.get(replica) ?? { receivedIndex: 0, replayedIndex: 0 };
    if (what === 'received') k.receivedIndex = Math.max(k.receivedIndex, index);
    else k.replayedIndex = Math.max(k.replayedIndex, index);
    this.known.set(replica, k);
  }

  private feedbackRows(): StandbyFeedback[] {
    return this.deps.standbys().map((s) => ({
      name: s.name,
      streaming: s.streaming,
      receivedIndex: this.known.get(s.name)?.receivedIndex ?? 0,
      replayedIndex: this.known.get(s.name)?.replayedIndex ?? 0,
    }));
  }

  private effective(kind: DataKind): ReplicationMode {
    return this.fallenBack[kind] ? { mode: 'async' } : this.mode[kind];
  }

  /** Calls `done` once the commit of `entry` may be acknowledged (at once under async). */
  waitFor(
    commit: { op: number; entry: number; kind: DataKind; orderIds: number[] },
    done: () => void,
    abort: (reason: string) => void,
  ): void {
    const mode = this.effective(commit.kind);
    const verdict = commitAcknowledged(mode, commit.entry, this.feedbackRows());
    if (verdict.ok) {
      done();
      return;
    }
    const waiter: Waiter = { ...commit, sinceMs: this.deps.clock.now(), waitingFor: verdict.waitingFor, done, abort };
    if (mode.mode === 'semi-sync') {
      waiter.timer = this.deps.clock.schedule(mode.timeoutMs, () => this.semiSyncTimedOut(commit.kind, mode.timeoutMs));
    }
    this.waiters.add(waiter);
  }

  /** MySQL: no replica answered within rpl_semi_sync_source_timeout, so the source goes async. */
  private semiSyncTimedOut(kind: DataKind, timeoutMs: number): void {
    if (!this.fallenBack[kind]) {
      this.fallenBack[kind] = true;
      this.deps.history.record({
        type: 'mode.changed',
        kind,
        mode: 'async',
        reason: `semi-sync: no replica acknowledged within ${timeoutMs} ms, fell back to async`,
      });
    }
    this.recheck();
  }

  /** Re-evaluates every waiting commit and semi-sync's way back (after feedback or a topology change). */
  recheck(): void {
    const rows = this.feedbackRows();
    for (const kind of ['orders', 'products'] as const) {
      const mode = this.mode[kind];
      if (
        this.fallenBack[kind] &&
        mode.mode === 'semi-sync' &&
        rows.some((r) => r.receivedIndex >= this.deps.headIndex())
      ) {
        this.fallenBack[kind] = false;
        this.deps.history.record({
          type: 'mode.changed',
          kind,
          mode: describeMode(mode),
          reason: 'a replica caught up: semi-sync again',
        });
      }
    }
    for (const w of this.waiters) {
      const verdict = commitAcknowledged(this.effective(w.kind), w.entry, rows);
      w.waitingFor = verdict.waitingFor;
      if (!verdict.ok) continue;
      this.waiters.delete(w);
      if (w.timer !== undefined) this.deps.clock.cancel(w.timer);
      w.done();
    }
  }

  /** The primary died: every waiting client loses its connection without an answer. */
  abortAll(reason: string): void {
    for (const w of this.waiters) {
      if (w.timer !== undefined) this.deps.clock.cancel(w.timer);
      w.abort(reason);
    }
    this.waiters.clear();
  }

  /**
   * A synchronous standby was promoted: it leaves synchronous_standby_names (Patroni and
   * RDS manage that list). With none left, commits would wait forever, so the mode becomes
   * async until a new standby is configured, and the history says so.
   */
  dropStandby(name: string): void {
    for (const kind of ['orders', 'products'] as const) {
      const mode = this.mode[kind];
      if (mode.mode !== 'sync' || !mode.standbys.names.includes(name)) continue;
      const names = mode.standbys.names.filter((n) => n !== name);
      const next: ReplicationMode = names.length
        ? { ...mode, standbys: { ...mode.standbys, names, num: Math.min(mode.standbys.num, names.length) } }
        : { mode: 'async' };
      this.mode[kind] = next;
      this.deps.history.record({
        type: 'mode.changed',
        kind,
        mode: describeMode(next),
        reason: `${name} was promoted: ${names.length ? 'the next listed standby is synchronous' : 'no synchronous standby left'}`,
      });
    }
  }

  /** Another node was promoted: the commits `oldPrimary` was waiting on no longer hear from any standby. */
  orphanWaiting(oldPrimary: string, waiters: Iterable<Waiter> = this.waiters): void {
    for (const w of [...waiters]) {
      this.waiters.delete(w);
      this.orphaned.set(w, oldPrimary);
      if (w.timer !== undefined) {
        this.deps.clock.cancel(w.timer);
        w.timer = undefined;
      }
      const mode = this.mode[w.kind];
      if (mode.mode === 'semi-sync') {
        w.timer = this.deps.clock.scheduleAt(Math.max(this.deps.clock.now(), w.sinceMs + mode.timeoutMs), () => {
          this.orphaned.delete(w);
          w.done();
        });
      }
    }
  }

  /**
   * A commit on `node`, a primary the replicas no longer follow (split brain): its
   * standbys are gone, so under sync it waits until its server goes down, under semi-sync
   * until the timeout, and async acknowledges at once.
   */
  waitIsolated(
    node: string,
    commit: { op: number; entry: number; kind: DataKind; orderIds: number[] },
    done: () => void,
    abort: (reason: string) => void,
  ): void {
    const mode = this.mode[commit.kind];
    if (mode.mode === 'async') {
      done();
      return;
    }
    const waiter: Waiter = { ...commit, sinceMs: this.deps.clock.now(), waitingFor: [], done, abort };
    this.waiters.add(waiter);
    this.orphanWaiting(node, [waiter]);
  }

  /** `node` went down: the commits it was left waiting on (see `orphaned`) fail. */
  abortOrphaned(node: string, reason: string): void {
    for (const [w, owner] of this.orphaned) {
      if (owner !== node) continue;
      this.orphaned.delete(w);
      if (w.timer !== undefined) this.deps.clock.cancel(w.timer);
      w.abort(reason);
    }
  }

  /** Forgets standbys' feedback (a new primary starts its own bookkeeping). */
  resetFeedback(index: number): void {
    for (const k of this.known.values()) {
      k.receivedIndex = Math.min(k.receivedIndex, index);
      k.replayedIndex = Math.min(k.replayedIndex, index);
    }
  }

  /** Order ids of commits still waiting: other sessions on the primary must not see them. */
  waitingOrderIds(): number[] {
    return [...this.waiters].flatMap((w) => w.orderIds);
  }

  waiting(): WaitingCommit[] {
    return [...this.waiters, ...this.orphaned.keys()].map(({ op, entry, kind, orderIds, sinceMs, waitingFor }) => ({
      op,
      entry,
      kind,
      orderIds,
      sinceMs,
      waitingFor: [...waitingFor],
    }));
  }
}
