/**
 * The command language: every command the cluster takes, defined once as a zod schema
 * keyed by its `do` name. A scenario step, a journal entry, a button on the page and a CLI
 * run all send these same values through `Cluster.send`; a scenario step is a command plus
 * `at` and `note` (src/scenarios/schema.ts). The field names are the scenario format's,
 * a public contract: add commands and fields, never rename them. Adding a command means
 * adding its schema here and its handler in handlers.ts.
 */
import { z } from 'zod';
import { READ_POLICIES, RYW_STRATEGIES } from '../app/routing.ts';
import { MAX_LAG_MS, MAX_USERS } from '../cluster/settings.ts';
import { PROMOTION_POLICIES } from '../failover/candidate.ts';
import { SYNC_LEVELS } from '../replication/modes.ts';
import {
  ID_MODES,
  MAX_LOGICAL_SHARDS,
  MAX_SHARDS,
  MAX_VNODES,
  MIN_SHARDS,
  REGIONS,
  SCATTER_QUERIES,
  SHARDING_STRATEGIES,
} from '../sharding/types.ts';

// The page runs under a Content-Security-Policy without 'unsafe-eval': zod must not compile
// its parsers with new Function (it would only fall back, but the attempt is a violation).
z.config({ jitless: true });

const NODE_NAME = /^(primary|current-primary|standby|replica-[1-9]\d*)$/;
/** Nodes with a replication link: the read replicas, and the Multi-AZ standby. */
const REPLICA_NAME = /^(standby|replica-[1-9]\d*)$/;

const node = z
  .string()
  .regex(NODE_NAME, 'expected a node name: "primary", "current-primary", "standby" or "replica-N"');
const replica = z.string().regex(REPLICA_NAME, 'expected a replica name such as "replica-1"');
const user = z.number().int('expected a whole number (a user id such as 1001)');
const appServer = z.string().regex(/^app-[1-9]\d*$/, 'expected an app server name such as "app-1"');
const perSec = z.number().min(0, 'expected 0 or more per second').max(5000, 'expected at most 5000 per second');
const ms = z.number().min(0, 'expected 0 or more milliseconds');
const lagMs = ms.max(MAX_LAG_MS, `expected at most ${MAX_LAG_MS} ms`);
const shard = z.string().regex(/^shard-\d+$/, 'expected a shard name such as "shard-1"');

export const CATEGORIES = ['Electronics', 'Fashion', 'Home & Kitchen', 'Books & Media'] as const;
export const DATA_KINDS = ['orders', 'products'] as const;
export const SESSION_STORES = ['per-app-server', 'shared'] as const;
export const MODE_NAMES = ['async', 'semi-sync', 'sync'] as const;

/** Every command, by its `do` name, with its own fields. */
export const COMMANDS = {
  placeOrder: z.strictObject({
    do: z.literal('placeOrder'),
    user,
    total: z.number().positive('expected a positive amount'),
    node: node.optional(),
    via: appServer.optional(),
  }),
  readOrders: z.strictObject({ do: z.literal('readOrders'), user, node: node.optional(), via: appServer.optional() }),
  browse: z.strictObject({
    do: z.literal('browse'),
    user: user.optional(),
    category: z.enum(CATEGORIES).optional(),
    node: node.optional(),
    via: appServer.optional(),
  }),
  analyticsQuery: z.strictObject({ do: z.literal('analyticsQuery') }),
  setReadPolicy: z.strictObject({ do: z.literal('setReadPolicy'), policy: z.enum(READ_POLICIES) }),
  setRywStrategy: z.strictObject({
    do: z.literal('setRywStrategy'),
    strategy: z.enum(RYW_STRATEGIES),
    windowMs: ms.optional(),
    timeoutMs: ms.optional(),
    maxLagMs: ms.optional(),
    /** Only for this kind of data (the seed: orders sticky, reviews optimistic); default all. */
    kind: z.enum(DATA_KINDS).optional(),
  }),
  setSessionStore: z.strictObject({ do: z.literal('setSessionStore'), store: z.enum(SESSION_STORES) }),
  startLoad: z.strictObject({
    do: z.literal('startLoad'),
    writesPerSec: perSec.optional(),
    readsPerSec: perSec.optional(),
    /** Simulated users, ids 1000 and up; at most the shop's customers (settings.users, 20 by default). */
    users: z.number().int().min(1).max(MAX_USERS, `at most ${MAX_USERS} users`).optional(),
  }),
  stopLoad: z.strictObject({ do: z.literal('stopLoad') }),
  partition: z.strictObject({ do: z.literal('partition'), node }),
  heal: z.strictObject({ do: z.literal('heal'), node: node.optional() }),
  setHealthCheck: z.strictObject({
    do: z.literal('setHealthCheck'),
    intervalMs: ms.optional(),
    timeoutMs: ms.optional(),
    retries: z.number().int().min(1).optional(),
  }),
  setFailoverTimings: z.strictObject({
    do: z.literal('setFailoverTimings'),
    electMs: ms.optional(),
    promoteMs: ms.optional(),
    repointMs: ms.optional(),
    endpointMs: ms.optional(),
  }),
  setPromotionPolicy: z.strictObject({
    do: z.literal('setPromotionPolicy'),
    policy: z.enum(PROMOTION_POLICIES),
    maxLagBytes: z.number().int().min(0).optional(),
  }),
  setFencing: z.strictObject({ do: z.literal('setFencing'), on: z.boolean() }),
  setAutoFailover: z.strictObject({ do: z.literal('setAutoFailover'), on: z.boolean() }),
  setMode: z.strictObject({
    do: z.literal('setMode'),
    mode: z.enum(MODE_NAMES),
    /** semi-sync: fall back to async after this long with no replica (MySQL: 10,000). */
    timeoutMs: ms.optional(),
    /** sync: synchronous_commit. */
    level: z.enum(SYNC_LEVELS).optional(),
    /** sync: synchronous_standby_names, e.g. "FIRST 1 (replica-1)" or "ANY 2 (replica-1, replica-2)". */
    standbys: z.string().optional(),
    kind: z.enum(DATA_KINDS).optional(),
  }),
  setLag: z.strictObject({ do: z.literal('setLag'), node: replica, ms: lagMs }),
  setApplyDelay: z.strictObject({ do: z.literal('setApplyDelay'), node: replica, ms }),
  setApplyRate: z.strictObject({
    do: z.literal('setApplyRate'),
    node: replica,
    perSec: z.number().positive('expected transactions per second above 0'),
  }),
  disconnect: z.strictObject({ do: z.literal('disconnect'), node: replica }),
  reconnect: z.strictObject({ do: z.literal('reconnect'), node: replica }),
  killNode: z.strictObject({ do: z.literal('killNode'), node }),
  restartNode: z.strictObject({ do: z.literal('restartNode'), node }),
  /** SQL typed into a node's console: a client write on the primary, read-only on a replica. */
  sql: z.strictObject({ do: z.literal('sql'), node, text: z.string().min(1, 'expected SQL text') }),
  /** The physical WAL records behind replication log entry `entry` (pg_walinspect). */
  inspectWal: z.strictObject({ do: z.literal('inspectWal'), entry: z.number().int() }),
  /**
   * Shards the shop's orders over `shards` real PGlite primaries (shard-0 ...) behind the
   * app tier's router; the existing orders are distributed to them (sharding/).
   */
  setSharding: z.strictObject({
    do: z.literal('setSharding'),
    strategy: z.enum(SHARDING_STRATEGIES),
    shards: z
      .number()
      .int()
      .min(MIN_SHARDS, `expected at least ${MIN_SHARDS} shards`)
      .max(MAX_SHARDS, `expected at most ${MAX_SHARDS} shards`),
    /** ring: virtual nodes per shard (default 64). */
    vnodes: z.number().int().min(1).max(MAX_VNODES, `expected at most ${MAX_VNODES} virtual nodes`).optional(),
    /** hash-ranges: logical shards (Citus' shard_count, default 32). */
    logicalShards: z
      .number()
      .int()
      .min(MIN_SHARDS)
      .max(MAX_LOGICAL_SHARDS, `expected at most ${MAX_LOGICAL_SHARDS} logical shards`)
      .optional(),
    /** Order ids: each shard's own serial (the document; they collide) or global shard-prefixed ids (default serial). */
    ids: z.enum(ID_MODES).optional(),
  }),
  /** Boots a new shard and moves its share of the rows onto it, live (copy, catch up, verify, switch, clean up). */
  addShard: z.strictObject({ do: z.literal('addShard') }),
  /** Moves every row off `shard`, live, then shuts it down. */
  removeShard: z.strictObject({ do: z.literal('removeShard'), shard }),
  /** hash-ranges: moves logical shard `logicalShard` (and its rows) to shard `to`, live (a Citus shard move). */
  moveShard: z.strictObject({
    do: z.literal('moveShard'),
    logicalShard: z.number().int().min(0, 'expected a logical shard number, 0 or more'),
    to: shard,
  }),
  /** Where a key lives and why: a user id, a region or a category. */
  probe: z.strictObject({
    do: z.literal('probe'),
    user: user.optional(),
    region: z.enum(REGIONS).optional(),
    category: z.enum(CATEGORIES).optional(),
  }),
  /** A query every shard must answer (scatter), merged by the router (gather). */
  scatterQuery: z.strictObject({ do: z.literal('scatterQuery'), query: z.enum(SCATTER_QUERIES) }),
  /**
   * Stops a shard's database (its rows stay): its users' orders and reads fail with the
   * connection error, scatter queries fail, the other shards go on. Not during a move.
   */
  killShard: z.strictObject({ do: z.literal('killShard'), shard }),
  /** Starts a killed shard again, with the rows it had. */
  restartShard: z.strictObject({ do: z.literal('restartShard'), shard }),
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandOf<K extends CommandName> = z.infer<(typeof COMMANDS)[K]>;
export type Command = { [K in CommandName]: CommandOf<K> }[CommandName];
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
