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
  | { type: 'shard.read.fail'; op: number; client: string; user: number; shard: string; error: string }
  | { type: 'shard.scatter'; query: string; latencyMs: number; shards: string[]; rows: number }
  | { type: 'shard.scatter.fail'; query: string; downShards: string[]; error: string }
  | { type: 'shard.down'; shard: string }
  | { type: 'shard.up'; shard: string }
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

/**
 * How many order ids weigh as much as one event in keepAtMost's bound. Ids grow with a run:
 * a "my orders" answer holds all of that user's orders, so at the page's default load (20
 * users, 20 orders a second) each answer grows by about one id a second. Measured in the
 * page (its heap against the events and ids it kept, over 10 minutes of the default load):
 * ~90 bytes an event, 8-16 an id. Bounding events + ids / 8 bounds the kept history's
 * memory however large the answers grow; the time it spans shrinks instead (in the page:
 * about 2 minutes of the default load after 10 minutes, 20-30 s after an hour).
 */
export const ORDER_IDS_PER_EVENT = 8;

/** What an event counts against keepAtMost's bound: 1, plus its order ids by ORDER_IDS_PER_EVENT. */
export function retentionWeight(e: HistoryEvent): number {
  const ids = 'orderIds' in e ? e.orderIds.length : e.type === 'node.rewound' ? e.discardedOrderIds.length : 0;
  return 1 + ids / ORDER_IDS_PER_EVENT;
}

export class History {
  /** The retained events: `events[i].seq === first + i`. */
  private events: Recorded[] = [];
  private first = 0;
  /** Set by keepAtMost: how much to retain (the oldest events are dropped beyond it), in retentionWeight units. */
  private limit = Number.POSITIVE_INFINITY;
  /** The retained events' retentionWeight, summed (kept only once keepAtMost bounds the history). */
  private weight = 0;
  /** Events dropped by the retention limit, per type (a long run's old events, counted). */
  private readonly droppedByType = new Map<string, number>();
  private readonly listeners = new Set<(e: Recorded) => void>();

  constructor(private readonly now: () => number) {}

  /** Records `event` (a fresh object the caller gives up: it is stamped in place). */
  record(event: HistoryEvent): Recorded {
    const recorded = Object.assign(event, { seq: this.first + this.events.length, at: this.now() }) as Recorded;
    this.events.push(recorded);
    if (this.limit !== Number.POSITIVE_INFINITY) {
      this.weight += retentionWeight(recorded);
      // Dropping in chunks of a quarter of the limit keeps the cost per event constant.
      if (this.weight > this.limit * 1.25) this.dropOldest();
    }
    for (const l of this.listeners) l(recorded);
    return recorded;
  }

  /**
   * Bounds the history for long runs (a soak, a page left playing): only about the newest
   * `limit` events are kept, the older ones counted per type in `dropped`. An event counts
   * as 1 plus its order ids (retentionWeight): the kept events weigh between `limit` and
   * 1.25 x `limit`, so memory stays flat even as "my orders" answers grow with the run.
   * Sequence numbers stay those of the whole run, so readers index `all()` from its first
   * event's `seq`. Unbounded by default: a scenario's summary, the checker and the preset
   * fingerprints read whole histories.
   */
  keepAtMost(limit: number): void {
    this.limit = Math.max(1, limit);
    this.weight = this.events.reduce((sum, e) => sum + retentionWeight(e), 0);
    if (this.weight > this.limit) this.dropOldest();
  }

  /** Drops the oldest events until the rest weigh at most the limit (the newest event is always kept). */
  private dropOldest(): void {
    let count = 0;
    while (count < this.events.length - 1 && this.weight > this.limit) {
      const e = this.events[count++];
      this.weight -= retentionWeight(e);
      this.droppedByType.set(e.type, (this.droppedByType.get(e.type) ?? 0) + 1);
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
