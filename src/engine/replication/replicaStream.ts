/**
 * One replica's side of streaming replication: the link from the primary (delay, jitter,
 * connected or not), what is in flight, what was received (written and flushed), and the
 * replay of received transactions one at a time, in LSN order, at the replica's apply
 * rate and no sooner than its apply delay allows. Every step is an event on the virtual
 * clock and a line in the history.
 *
 * Replayed transactions are written to the replica's database in batches (one PGlite
 * call for many transactions) before anything reads that database, so what any reader
 * sees is exactly what replaying one transaction at a time would show.
 */

import type { ReplicaSettings } from '../cluster/settings.ts';
import type { NodeHandle } from '../db/types.ts';
import type { VirtualClock } from '../sim/clock.ts';
import type { History } from '../sim/history.ts';
import type { SeededRandom } from '../sim/random.ts';
import type { LogEntry } from './primaryLog.ts';

interface InFlight {
  entry: LogEntry;
  eventId: number;
  sentAt: number;
  arriveAt: number;
}

/** One transaction on its way to, or waiting on, a replica: what the topology view animates. */
export interface Shipment {
  replica: string;
  entry: number;
  lsn: number;
  orderIds: number[];
  /** in-flight: on the link; queued: received, waiting to be replayed. */
  stage: 'in-flight' | 'queued';
  sentAt: number;
  /** When it arrives (in flight) or arrived (queued). */
  arriveAt: number;
}

interface Received {
  entry: LogEntry;
  receivedAt: number;
}

export interface StreamPositions {
  /** The timeline whose log this stream follows (positions are entries of its history). */
  timeline: number;
  sentLsn: number;
  writeLsn: number;
  flushLsn: number;
  replayLsn: number;
  sentIndex: number;
  receivedIndex: number;
  replayedIndex: number;
  /** Last measured lags, as pg_stat_replication reports them (null before the first). */
  writeLagMs: number | null;
  flushLagMs: number | null;
  replayLagMs: number | null;
  inFlight: number;
  /** Received but not yet replayed. */
  queued: number;
}

export class ReplicaStream {
  private sentIndex: number;
  private receivedIndex: number;
  private replayedIndex: number;
  private sentLsn: number;
  private receivedLsn: number;
  private replayedLsn: number;
  private lastArrivalAt = 0;
  private lastApplyDoneAt = 0;
  private writeLagMs: number | null = null;
  private replayLagMs: number | null = null;
  private readonly inFlight: InFlight[] = [];
  private readonly applyQueue: Received[] = [];
  private applyEventId: number | undefined;
  /** Replayed but not yet written to the database (see the file comment). */
  private unwritten: LogEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  connected = true;

  constructor(
    readonly name: string,
    readonly db: NodeHandle,
    readonly settings: ReplicaSettings,
    startLsn: number,
    startIndex: number,
    /** The timeline of the log it follows: a promotion starts a new one, and the stream stops. */
    readonly timeline: number,
    private readonly deps: {
      clock: VirtualClock;
      history: History;
      random: SeededRandom;
      applyBatchMax: number;
      /** Whether this replica's node is up (from the cluster machine). */
      isUp: () => boolean;
      /** Called after every replay, so the primary can prune its log. */
      onReplayed: () => void;
    },
  ) {
    this.sentIndex = this.receivedIndex = this.replayedIndex = startIndex;
    this.sentLsn = this.receivedLsn = this.replayedLsn = startLsn;
  }

  /** Sends every entry after what was already sent (the walsender's loop). */
  ship(entries: LogEntry[]): void {
    const { clock, history, random } = this.deps;
    for (const entry of entries) {
      if (entry.index <= this.sentIndex) continue;
      const delayMs = Math.max(0, this.settings.lagMs + random.jitter(this.settings.jitterMs));
      // TCP keeps a stream in order: nothing overtakes what was sent before it.
      const arriveAt = Math.max(clock.now() + delayMs, this.lastArrivalAt);
      this.lastArrivalAt = arriveAt;
      const eventId = clock.scheduleAt(arriveAt, () => this.receive(), `receive ${this.name}`);
      this.inFlight.push({ entry, eventId, sentAt: clock.now(), arriveAt });
      this.sentIndex = entry.index;
      this.sentLsn = entry.lsn;
      history.record({ type: 'repl.sent', node: this.name, ...this.entryId(entry) });
    }
  }

  /** How the history names an entry: index and writing timeline (both needed: indexes repeat across timelines). */
  private entryId(entry: LogEntry): { entry: number; timeline: number; lsn: number } {
    return { entry: entry.index, timeline: entry.timeline, lsn: entry.lsn };
  }

  private receive(): void {
    const flight = this.inFlight.shift();
    if (!flight) return;
    const { clock, history } = this.deps;
    const { entry } = flight;
    this.receivedIndex = entry.index;
    this.receivedLsn = entry.lsn;
    this.writeLagMs = clock.now() - entry.committedAt;
    history.record({ type: 'repl.received', node: this.name, ...this.entryId(entry) });
    this.applyQueue.push({ entry, receivedAt: clock.now() });
    this.scheduleApply();
  }

  /** Schedules the replay of the next received transaction, if none is scheduled. */
  scheduleApply(): void {
    const next = this.applyQueue[0];
    if (!next || this.applyEventId !== undefined || !this.deps.isUp()) return;
    const { clock } = this.deps;
    const readyAt = Math.max(next.receivedAt, next.entry.committedAt + this.settings.applyDelayMs, clock.now());
    const serviceMs = 1000 / Math.max(this.settings.applyRatePerSec, 0.001);
    const doneAt = Math.max(readyAt, this.lastApplyDoneAt) + serviceMs;
    this.applyEventId = clock.scheduleAt(doneAt, () => this.replayNext(), `replay ${this.name}`);
  }

  /**
   * Keeps the replica busy for `ms` (a heavy analytics query): replay waits behind it, as
   * the seed's analytics replica would fall behind.
   */
  occupy(ms: number): void {
    this.lastApplyDoneAt = Math.max(this.lastApplyDoneAt, this.deps.clock.now()) + ms;
    if (this.applyEventId !== undefined) {
      this.deps.clock.cancel(this.applyEventId);
      this.applyEventId = undefined;
    }
    this.scheduleApply();
  }

  /** Re-plans the pending replay after the apply delay or rate changed. */
  replanApply(): void {
    if (this.applyEventId !== undefined) this.deps.clock.cancel(this.applyEventId);
    this.applyEventId = undefined;
    this.lastApplyDoneAt = Math.min(this.lastApplyDoneAt, this.deps.clock.now());
    this.scheduleApply();
  }

  private async replayNext(): Promise<void> {
    this.applyEventId = undefined;
    const next = this.applyQueue.shift();
    if (!next) return;
    const { clock, history } = this.deps;
    this.replayedIndex = next.entry.index;
    this.replayedLsn = next.entry.lsn;
    this.lastApplyDoneAt = clock.now();
    this.replayLagMs = clock.now() - next.entry.committedAt;
    this.unwritten.push(next.entry);
    history.record({ type: 'repl.applied', node: this.name, ...this.entryId(next.entry) });
    if (this.unwritten.length >= this.deps.applyBatchMax) await this.writeReplayed();
    this.deps.onReplayed();
    this.scheduleApply();
  }

  /**
   * Writes every replayed transaction to the database; call before reading it. The batches
   * are sent now, in the calling event: a node serves requests one at a time in the order
   * they were sent, so a read sent right after them sees them, and only them, whether its
   * caller waits for this promise or not.
   */
  writeReplayed(): Promise<void> {
    if (this.unwritten.length === 0) return this.writing;
    const sent: Promise<void>[] = [this.writing];
    while (this.unwritten.length > 0) {
      const batch = this.unwritten.splice(0, this.deps.applyBatchMax);
      sent.push(this.db.apply(batch.map((e) => ({ xid: e.xid, lsn: e.lsn, changes: e.changes }))));
    }
    this.writing = Promise.all(sent).then(() => undefined);
    return this.writing;
  }

  /**
   * The connection broke (link cut, replica or primary down): what was in flight is lost,
   * and streaming will restart from what the replica had received, as a standby asks for
   * WAL from its flush position when it reconnects.
   */
  dropInFlight(reason: string): void {
    if (this.inFlight.length === 0) {
      this.sentIndex = this.receivedIndex;
      this.sentLsn = this.receivedLsn;
      return;
    }
    for (const f of this.inFlight) this.deps.clock.cancel(f.eventId);
    this.deps.history.record({
      type: 'repl.dropped',
      node: this.name,
      entries: this.inFlight.map((f) => f.entry.index),
      reason,
    });
    this.inFlight.length = 0;
    this.sentIndex = this.receivedIndex;
    this.sentLsn = this.receivedLsn;
    this.lastArrivalAt = this.deps.clock.now();
  }

  /**
   * Promotion: replay at once everything received (PostgreSQL replays all received WAL
   * before it accepts writes, apply delay or not), drop what is still in flight, and stop.
   * Returns the index and position it reached.
   */
  async promote(): Promise<{ index: number; lsn: number }> {
    this.dropInFlight('promoted: the old primary is gone');
    this.stop();
    const { history } = this.deps;
    for (const next of this.applyQueue.splice(0)) {
      this.replayedIndex = next.entry.index;
      this.replayedLsn = next.entry.lsn;
      this.unwritten.push(next.entry);
      history.record({ type: 'repl.applied', node: this.name, ...this.entryId(next.entry) });
    }
    await this.writeReplayed();
    return { index: this.replayedIndex, lsn: this.replayedLsn };
  }

  /** Stops for good (re-pointed or promoted); returns what it had replayed, written to its database. */
  async retire(): Promise<{ replayed: number; replayedLsn: number }> {
    this.dropInFlight('re-pointed to the new primary');
    this.stop();
    this.applyQueue.length = 0;
    await this.writeReplayed();
    return { replayed: this.replayedIndex, replayedLsn: this.replayedLsn };
  }

  /**
   * What is on the link and what waits to be replayed, oldest first: every transaction in
   * flight, and the oldest `queuedShown` of those waiting (all by default; positions().queued
   * counts them all).
   */
  shipments(queuedShown = Number.POSITIVE_INFINITY): Shipment[] {
    const base = (e: LogEntry) => ({ replica: this.name, entry: e.index, lsn: e.lsn, orderIds: e.orderIds });
    const queued = queuedShown < this.applyQueue.length ? this.applyQueue.slice(0, queuedShown) : this.applyQueue;
    return [
      ...queued.map((q) => ({
        ...base(q.entry),
        stage: 'queued' as const,
        sentAt: q.entry.committedAt,
        arriveAt: q.receivedAt,
      })),
      ...this.inFlight.map((f) => ({
        ...base(f.entry),
        stage: 'in-flight' as const,
        sentAt: f.sentAt,
        arriveAt: f.arriveAt,
      })),
    ];
  }

  get received(): number {
    return this.receivedIndex;
  }

  /** The replica went down: stop replaying (received WAL is on its disk and survives). */
  stop(): void {
    if (this.applyEventId !== undefined) this.deps.clock.cancel(this.applyEventId);
    this.applyEventId = undefined;
  }

  get replayed(): number {
    return this.replayedIndex;
  }

  get sent(): number {
    return this.sentIndex;
  }

  positions(): StreamPositions {
    return {
      timeline: this.timeline,
      sentLsn: this.sentLsn,
      writeLsn: this.receivedLsn,
      flushLsn: this.receivedLsn,
      replayLsn: this.replayedLsn,
      sentIndex: this.sentIndex,
      receivedIndex: this.receivedIndex,
      replayedIndex: this.replayedIndex,
      writeLagMs: this.writeLagMs,
      flushLagMs: this.writeLagMs,
      replayLagMs: this.replayLagMs,
      inFlight: this.inFlight.length,
      queued: this.applyQueue.length,
    };
  }
}
