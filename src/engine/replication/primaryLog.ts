/**
 * The primary's replication log: one entry per committed write transaction, stamped with
 * its real WAL position (LSN) and transaction id. PostgreSQL calls this stream the WAL
 * and its positions LSNs; MySQL calls it the binlog (positions: GTIDs). Entries are kept
 * until every replica has replayed them, as a replication slot keeps WAL; a replica that
 * stops replaying makes the retained log grow.
 */
import type { CapturedTxn, RowChange } from '../db/types.ts';

export interface LogEntry {
  /** 1, 2, 3, ... in commit order. */
  index: number;
  xid: number;
  /** WAL position at the end of the transaction (what replay_lsn reaches once applied). */
  lsn: number;
  /** WAL position where the transaction's records start (the previous entry's end). */
  startLsn: number;
  /** Engine time of the commit on the primary. */
  committedAt: number;
  changes: RowChange[];
  /** Order ids this transaction inserted (for narration and the checker). */
  orderIds: number[];
  /** Position of the transaction in the WAL of the node that wrote it (for pg_walinspect). */
  walStartLsn: number;
  /** The node whose WAL holds it (the primary of its timeline). */
  walNode: string;
  /** Incremented at every promotion, as PostgreSQL's timelines are. */
  timeline: number;
}

/** Pruned entries still kept for inspection (their WAL is still on disk: wal_keep_size). */
export const RECENT_ENTRIES_KEPT = 1000;

export class PrimaryLog {
  private readonly entries: LogEntry[] = [];
  private recent: LogEntry[] = [];
  private head = 0;
  private pruned = 0;

  /**
   * `lastLsn`: replication position of the newest entry. `walOffset` maps the writing node's
   * own WAL positions onto the replication positions, so that they keep growing across a
   * promotion (a promoted node's WAL starts elsewhere than the old primary's).
   */
  constructor(
    private lastLsn: number,
    readonly walNode = 'primary',
    readonly timeline = 1,
    private readonly walOffset = 0,
    private lastWalLsn = lastLsn - walOffset,
  ) {}

  /**
   * A new log for a promoted node: the entries up to `index` (what it had received), then
   * its own. `walLsn` is the promoted node's current WAL position.
   */
  fork(index: number, lsnAtIndex: number, walNode: string, walLsn: number): PrimaryLog {
    const next = new PrimaryLog(lsnAtIndex, walNode, this.timeline + 1, lsnAtIndex - walLsn, walLsn);
    next.head = index;
    const kept = this.entries.filter((e) => e.index <= index);
    next.pruned = index - kept.length;
    next.entries.push(...kept);
    next.recent = this.recent.filter((e) => e.index <= index);
    return next;
  }

  /** Retained entries after `index` (the divergent tail a promotion throws away). */
  tailAfter(index: number): LogEntry[] {
    return this.entries.filter((e) => e.index > index);
  }

  /** Index of the newest entry (0 before the first write). */
  get headIndex(): number {
    return this.head;
  }

  get headLsn(): number {
    return this.lastLsn;
  }

  /** Appends committed transactions (positions in the writing node's WAL); returns the new entries. */
  append(txns: CapturedTxn[], committedAt: number): LogEntry[] {
    return txns.map((t) => {
      const entry: LogEntry = {
        index: ++this.head,
        xid: t.xid,
        lsn: t.lsn + this.walOffset,
        startLsn: this.lastLsn,
        walStartLsn: this.lastWalLsn,
        walNode: this.walNode,
        timeline: this.timeline,
        committedAt,
        changes: t.changes,
        orderIds: t.changes
          .filter((c) => c.table === 'orders' && c.op === 'INSERT')
          .map((c) => Number(c.newRow?.order_id)),
      };
      this.lastLsn = Math.max(this.lastLsn, entry.lsn);
      this.lastWalLsn = Math.max(this.lastWalLsn, t.lsn);
      this.entries.push(entry);
      return entry;
    });
  }

  /** Moves the end position when WAL grew without a replicated change (e.g. a checkpoint). */
  noteLsn(walLsn: number): void {
    this.lastWalLsn = Math.max(this.lastWalLsn, walLsn);
    this.lastLsn = Math.max(this.lastLsn, walLsn + this.walOffset);
  }

  /** The entry with this index, if still retained. */
  get(index: number): LogEntry | undefined {
    const i = index - this.pruned - 1;
    return i >= 0 ? this.entries[i] : undefined;
  }

  /** A retained entry, or a recently pruned one (for WAL inspection and narration). */
  lookup(index: number): LogEntry | undefined {
    return this.get(index) ?? this.recent.find((e) => e.index === index);
  }

  /** Entries after `index` (exclusive) still retained, oldest first. */
  after(index: number): LogEntry[] {
    return this.entries.slice(Math.max(0, index - this.pruned));
  }

  /** Drops entries every replica has replayed (index <= replayedByAll). */
  prune(replayedByAll: number): number {
    const drop = Math.min(replayedByAll - this.pruned, this.entries.length);
    if (drop <= 0) return 0;
    this.recent.push(...this.entries.splice(0, drop));
    if (this.recent.length > 2 * RECENT_ENTRIES_KEPT) this.recent = this.recent.slice(-RECENT_ENTRIES_KEPT);
    this.pruned += drop;
    return drop;
  }

  get retainedCount(): number {
    return this.entries.length;
  }

  /** WAL bytes the retained entries span (what a slot forces the primary to keep). */
  get retainedBytes(): number {
    const first = this.entries[0];
    return first ? this.lastLsn - first.startLsn : 0;
  }

  get prunedCount(): number {
    return this.pruned;
  }

  /** Pruned entries still kept for inspection (at most 2 x RECENT_ENTRIES_KEPT). */
  get recentCount(): number {
    return this.recent.length;
  }

  /** The newest `count` entries, retained or recently pruned, oldest first. */
  latest(count: number): LogEntry[] {
    const all = this.recent.length ? [...this.recent.slice(-count), ...this.entries.slice(-count)] : this.entries;
    return all.slice(-count);
  }

  retained(): readonly LogEntry[] {
    return this.entries;
  }
}
