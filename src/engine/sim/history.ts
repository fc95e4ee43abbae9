/**
 * The one history: every client operation and every replication event, recorded once, in
 * order, with its engine time. The timeline, the consistency checker, scenario results
 * and tests all read it; nothing else keeps its own copy. Plain data only.
 */
import type { FailoverPhaseName } from '../failover/failoverMachine.ts';
import type { ReshardPhase } from '../sharding/types.ts';

export type HistoryEvent =
  | {
      type: 'write.invoke';
      op: number;
      client: string;
      user: number;
      node: string;
      action: string;
      total?: number;
      /** The app server that sent it (absent when sent straight to a node). */
      via?: string;
    }
  | {
      type: 'write.ok';
      op: number;
      node: string;
      lsn: number;
      xid: number;
      /** The log entry: its index and the timeline that wrote it (one identifies it; ids and LSNs repeat across timelines). */
      entry: number;
      timeline: number;
      orderIds: number[];
    }
  | { type: 'write.fail'; op: number; node: string; error: string; code?: string }
  | {
      type: 'read.invoke';
      op: number;
      client: string;
      user: number;
      /** The node routing chose (a waiting read may still fall back to the primary). */
      node: string;
      action: string;
      via?: string;
      /** Why routing chose that node, in plain words. */
      reason?: string;
    }
  | {
      type: 'read.ok';
      op: number;
      /** The node that served the read. */
      node: string;
      orderIds: number[];
      /** That node's replay position when it ran the query. */
      replayLsn: number;
      /**
       * What that node held then: the log entries of timeline `timeline`'s history up to
       * `entry` (its own position, whatever the current primary's is).
       */
      timeline: number;
      entry: number;
      /** How far behind that node was (ms since its oldest unreplayed commit). */
      lagMs?: number;
      /** Time spent waiting for the node to catch up (lsn-wait) before querying. */
      waitedMs?: number;
    }
  | { type: 'read.fail'; op: number; node: string; error: string; code?: string }
  /** Replication of log entry `entry` written on `timeline` (an entry is identified by both). */
  | { type: 'repl.sent'; node: string; entry: number; timeline: number; lsn: number }
  | { type: 'repl.received'; node: string; entry: number; timeline: number; lsn: number }
  | { type: 'repl.applied'; node: string; entry: number; timeline: number; lsn: number }
  | { type: 'repl.dropped'; node: string; entries: number[]; reason: string }
  | { type: 'node.down'; node: string }
  | { type: 'node.recovering'; node: string }
  | { type: 'node.up'; node: string }
  | {
      type: 'link.changed';
      node: string;
      lagMs?: number;
      connected?: boolean;
      applyDelayMs?: number;
      applyRatePerSec?: number;
    }
  | { type: 'config.changed'; setting: string; value: string }
  | { type: 'mode.changed'; kind: string; mode: string; reason: string }
  | { type: 'health.check'; node: string; ok: boolean; failures: number }
  | {
      type: 'failover.phase';
      phase: FailoverPhaseName;
      node?: string;
      detail: string;
      /** promote: the new timeline, and the last entry it shares with the one before (its fork point). */
      timeline?: number;
      forkEntry?: number;
    }
  /** Acknowledged orders that the promoted node never received: confirmed to the customer, now gone. */
  | { type: 'failover.lost'; orderIds: number[]; ops: number[]; fromNode: string }
  | { type: 'node.fenced'; node: string; detail: string }
  | { type: 'node.partitioned'; node: string; partitioned: boolean }
  /** A node threw away transactions the new primary does not have (pg_rewind). */
  | {
      type: 'node.rewound';
      node: string;
      discardedOrderIds: number[];
      entries: number;
      method: 'pg_rewind' | 'fresh copy';
      /** What the node holds afterwards: timeline `timeline`'s entries up to `entry`. */
      timeline: number;
      entry: number;
    }
  | { type: 'split-brain'; nodes: string[] }
  | { type: 'scenario.step'; index: number; action: string }
  /** Sharding (sharding/): its own operations, numbered apart from the replicated cluster's. */
  | ShardEvent;

/** What a sharded cluster records: its configuration, its operations, probes, moves and their phases. */
export type ShardEvent =
  | {
      type: 'shard.config';
      strategy: string;
      shards: string[];
      ids: string;
      vnodes?: number;
      logicalShards?: number;
      /** Existing orders distributed to the shards when sharding was set. */
      copiedRows: number;
    }
  | { type: 'shard.write'; op: number; client: string; user: number; shard: string }
  | { type: 'shard.write.ok'; op: number; shard: string; user: number; orderId: number; pausedMs?: number }
  | { type: 'shard.write.fail'; op: number; shard: string; error: string; code?: string }
  | { type: 'shard.read'; op: number; client: string; user: number; shard: string; orderIds: number[] }
  | { type: 'shard.scatter'; query: string; latencyMs: number; shards: string[]; rows: number }
  | { type: 'shard.probe'; key: string; shard: string | null; route: string }
  | {
      type: 'shard.move';
      move: number;
      kind: 'add' | 'remove' | 'move';
      status: 'started' | 'done' | 'failed';
      sources: string[];
      targets: string[];
      movingUsers: number;
      detail: string;
      movedRows?: number;
      totalRows?: number;
      expectedMovedShare?: number;
      writePauseMs?: number;
    }
  | { type: 'shard.phase'; move: number; phase: ReshardPhase; detail: string }
  | { type: 'shard.note'; text: string };

export type Recorded = HistoryEvent & { seq: number; at: number };

export type EventOf<T extends HistoryEvent['type']> = Extract<Recorded, { type: T }>;

export class History {
  /** The retained events: `events[i].seq === first + i`. */
  private events: Recorded[] = [];
  private first = 0;
  /** Set by keepAtMost: how many events to retain (the oldest are dropped beyond it). */
  private limit = Number.POSITIVE_INFINITY;
  /** Events dropped by the retention limit, per type (a long run's old events, counted). */
  private readonly droppedByType = new Map<string, number>();
  private readonly listeners = new Set<(e: Recorded) => void>();

  constructor(private readonly now: () => number) {}

  /** Records `event` (a fresh object the caller gives up: it is stamped in place). */
  record(event: HistoryEvent): Recorded {
    const recorded = Object.assign(event, { seq: this.first + this.events.length, at: this.now() }) as Recorded;
    this.events.push(recorded);
    // Dropping in chunks of a quarter of the limit keeps the cost per event constant.
    if (this.events.length > this.limit * 1.25) this.dropOldest(this.events.length - this.limit);
    for (const l of this.listeners) l(recorded);
    return recorded;
  }

  /**
   * Bounds the history for long runs (a soak, a page left playing): only about the newest
   * `limit` events are kept (between `limit` and 1.25 x `limit`), the older ones counted
   * per type in `dropped`. Sequence numbers stay those of the whole run, so readers index
   * `all()` from its first event's `seq`. Unbounded by default: a scenario's summary, the
   * checker and the preset fingerprints read whole histories.
   */
  keepAtMost(limit: number): void {
    this.limit = Math.max(1, limit);
    if (this.events.length > this.limit) this.dropOldest(this.events.length - this.limit);
  }

  private dropOldest(count: number): void {
    for (let i = 0; i < count; i++) {
      const type = this.events[i].type;
      this.droppedByType.set(type, (this.droppedByType.get(type) ?? 0) + 1);
    }
    this.events = this.events.slice(count);
    this.first += count;
  }

  /** The retained events, oldest first (the whole history unless keepAtMost bounded it). */
  all(): readonly Recorded[] {
    return this.events;
  }

  /** Events recorded so far, dropped ones included (the next event's seq). */
  get length(): number {
    return this.first + this.events.length;
  }

  /** Seq of the oldest retained event (0 unless keepAtMost dropped some). */
  get firstSeq(): number {
    return this.first;
  }

  /** Events dropped by keepAtMost, per type. */
  dropped(): Record<string, number> {
    return Object.fromEntries(this.droppedByType);
  }

  since(seq: number): Recorded[] {
    return this.events.slice(Math.max(0, seq - this.first));
  }

  ofType<T extends HistoryEvent['type']>(type: T): EventOf<T>[] {
    return this.events.filter((e): e is EventOf<T> => e.type === type);
  }

  onRecord(listener: (e: Recorded) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Where event `seq` sits in `events`, a slice of a history whose `events[i].seq` run consecutively. */
export function indexOfSeq(events: readonly Recorded[], seq: number): number {
  return seq - (events[0]?.seq ?? 0);
}
