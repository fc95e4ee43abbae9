/**
 * The sharding vocabulary shared by the engine, the snapshot and the page: strategies,
 * regions, resharding phases, and `ShardingSnapshot`, the plain data a sharded cluster
 * shows (`ClusterSnapshot.sharding`, undefined while the cluster is not sharded). Names
 * here are a contract with the UI and the scenario format: add, never rename.
 */

/** How a user's orders find their shard (see strategies.ts). */
export const SHARDING_STRATEGIES = ['modulo', 'range', 'directory', 'ring', 'hash-ranges'] as const;
export type ShardingStrategy = (typeof SHARDING_STRATEGIES)[number];

/** The document's geography (Option 2): a user's region is in the users table. */
export const REGIONS = ['us-east', 'us-west', 'europe', 'asia'] as const;
export type Region = (typeof REGIONS)[number];

/** Order ids: each shard's own `serial` (the document; ids collide) or globally unique, shard-prefixed ids. */
export const ID_MODES = ['serial', 'global'] as const;
export type IdMode = (typeof ID_MODES)[number];

/** Queries that fan out to every shard and are merged by the router. */
export const SCATTER_QUERIES = ['top-products', 'order-count'] as const;
export type ScatterQueryName = (typeof SCATTER_QUERIES)[number];

/** Shard counts the lab runs (each shard is a real PGlite primary). */
export const MIN_SHARDS = 2;
export const MAX_SHARDS = 8;
export const MAX_VNODES = 256;
/** Citus' default shard count (`citus.shard_count`). */
export const DEFAULT_LOGICAL_SHARDS = 32;
export const MAX_LOGICAL_SHARDS = 256;

/**
 * A move's phases, in order, as Vitess Reshard/MoveTables and Citus shard moves run them:
 * copy rows from a consistent snapshot in chunks, catch up from the source's change log,
 * verify (row counts and checksums, as VDiff), switch reads, switch writes (writes on the
 * moving keys pause, final catch-up, routing flips), clean up the source's copies.
 */
export const RESHARD_PHASES = ['copy', 'catch-up', 'verify', 'switch-reads', 'switch-writes', 'cleanup'] as const;
export type ReshardPhase = (typeof RESHARD_PHASES)[number];

/** Where a key lives and why, in words (the key probe). */
export interface ProbeOutcome {
  /** What was probed: "user 1001", "region europe", "category Fashion". */
  key: string;
  /** The shard that owns it (writes), e.g. "shard-1"; null when the strategy does not route by it. */
  shard: string | null;
  /** Where a read of it goes now (differs from `shard` while a move has switched reads but not writes). */
  readShard: string | null;
  /** The route, step by step: "user 1001 -> 1001 % 4 = 1 -> shard-1". */
  route: string;
  /** Why, in plain words. */
  why: string;
  /** The user's region, when a user was probed. */
  region?: Region;
}

/** One scatter-gather query: every shard asked, the router merges; as slow as the slowest shard. */
export interface ScatterOutcome {
  query: ScatterQueryName;
  /** Engine ms from sending to the merged answer: the slowest shard's time. */
  latencyMs: number;
  perShard: { shard: string; latencyMs: number; rows: number }[];
  /** The merged answer: order-count one row `{ orders }`, top-products `{ product_id, name, total_sold }` rows. */
  rows: Record<string, unknown>[];
  /** The query failed: a shard it needed was down (no partial answer: merging what answered would be wrong, not slow). */
  error?: string;
  /** The shards that were down. */
  downShards?: string[];
}

export interface ShardSnapshot {
  /** `shard-0`, `shard-1`, ... (names stay with a shard; a removed shard's name is not reused). */
  name: string;
  /** `new`: booted and empty until a move fills it; `leaving`: being drained by removeShard; `removed`: gone. */
  state: 'serving' | 'new' | 'leaving' | 'removed';
  /** Order rows the shard holds now (the copies a move has made included). */
  rows: number;
  /** Users whose writes this shard owns. */
  users: number;
  /** Client operations on the shard in the last second of engine time. */
  opsPerSec: number;
  /** opsPerSec against a node's capacity (settings.capacityOpsPerSec). */
  utilisation: number;
  /** Orders placed on it so far (its write load). */
  writes: number;
  /** Killed (killShard): its database does not answer until restartShard; its rows are kept. */
  down: boolean;
}

export interface ReshardPhaseRecord {
  phase: ReshardPhase;
  startedAt: number;
  /** Undefined while the phase runs. */
  endedAt?: number;
}

/** One resharding operation (add, remove or move), as it runs and after. */
export interface ShardMoveSnapshot {
  id: number;
  kind: 'add' | 'remove' | 'move';
  /** Shards rows leave, and shards rows arrive on. */
  sources: string[];
  targets: string[];
  /** The phase running now; `done` or `failed` once over. */
  phase: ReshardPhase | 'done' | 'failed';
  phases: ReshardPhaseRecord[];
  /** Users whose shard changes, and their rows in the snapshot the copy started from. */
  movingUsers: number;
  snapshotRows: number;
  copiedRows: number;
  /** Changes applied from the source's change log after the snapshot. */
  caughtUpRows: number;
  /** Rows moved in all (copy + catch-up) and their share of all rows. */
  movedRows: number;
  movedShare: number;
  /** Theory's share for this change (N/(N+1) for % N going to N+1, ~1/(N+1) for a ring). */
  expectedMovedShare: number;
  verify?: { sourceRows: number; targetRows: number; sourceChecksum: string; targetChecksum: string; ok: boolean };
  /** Engine ms writes on the moving keys were paused (switch-writes). */
  writePauseMs: number;
  /** Writes that waited for the switch. */
  pausedWrites: number;
  startedAt: number;
  endedAt?: number;
  error?: string;
}

/** How the strategy places keys, as plain data a view can draw. */
export type PlacementSnapshot =
  | { strategy: 'modulo'; shards: string[] }
  | { strategy: 'range'; ranges: { region: Region; fromUser: number; toUser: number; shard: string }[] }
  | { strategy: 'directory'; users: Record<string, string>; categories: Record<string, string> }
  | { strategy: 'ring'; vnodes: number; points: { hash: number; shard: string }[] }
  | { strategy: 'hash-ranges'; logical: { index: number; fromHash: number; toHash: number; shard: string }[] };

export interface ShardingSnapshot {
  strategy: ShardingStrategy;
  ids: IdMode;
  vnodes?: number;
  logicalShards?: number;
  shards: ShardSnapshot[];
  placement: PlacementSnapshot;
  /** Order rows per serving shard, and max / mean of them. */
  rowsPerShard: Record<string, number>;
  skew: number;
  /** The move running now, and every move so far (the running one last). */
  move: ShardMoveSnapshot | null;
  moves: ShardMoveSnapshot[];
  /** Recent probes, newest last. */
  probes: ProbeOutcome[];
  /** The last scatter query. */
  lastScatter: ScatterOutcome | null;
  /** Order ids present on more than one shard (per-shard serial ids collide). */
  duplicateIds: number[];
  /** Sum of every move's write pause so far. */
  writePauseMs: number;
}
