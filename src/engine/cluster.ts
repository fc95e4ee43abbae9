/**
 * The simulation facade: one primary and its read replicas, each a real PGlite database,
 * driven on one virtual clock. It owns all engine state and offers commands (place an
 * order, read orders, change a link, kill a node...), `getSnapshot()` and `subscribe()`.
 * The UI, the scenario runner and the tests all go through it; none of them touches a
 * node or the clock's queue directly. Commands run as clock events, so they interleave
 * deterministically with replication.
 */
import { type Actor, createActor, fromPromise, waitFor } from 'xstate';
import { type AppServer, AppTier, type DataKind, type SessionStore } from './app/appTier.ts';
import { LoadGenerator, type LoadOptions } from './app/loadGenerator.ts';
import { DEFAULT_RYW, decideRead, type ReadDecision, type ReadPolicy, type RywStrategy } from './app/routing.ts';
import { VirtualClock } from './clock.ts';
import { clusterMachine, type NodeLifecycle, type NodeStatus, type Role } from './clusterMachine.ts';
import { sqlLiteral } from './db/applySql.ts';
import { parseLsn } from './db/lsn.ts';
import {
  type CapturedTxn,
  type NodeHandle,
  type NodeRole,
  type QueryResult,
  SqlError,
  type SqlValue,
  type WalRecord,
} from './db/types.ts';
import { chooseCandidate, MAX_LAG_BYTES_DEFAULT, type PromotionPolicy } from './failover/candidate.ts';
import { copyTablesSql, rewindSql } from './failover/rewind.ts';
import {
  type FailoverHooks,
  type FailoverTimings,
  failoverMachine,
  type HealthCheckSettings,
} from './failoverMachine.ts';
import { History } from './history.ts';
import { SeededRandom } from './random.ts';
import type { WaitingCommit } from './replication/commitAcks.ts';
import { CommitAcks } from './replication/commitAcks.ts';
import type { ReplicationMode } from './replication/modes.ts';
import { type LogEntry, PrimaryLog, RECENT_ENTRIES_KEPT } from './replication/primaryLog.ts';
import { ReplicaStream, type Shipment } from './replication/replicaStream.ts';
import { type ReplicationStatus, replicationStatus } from './replication/status.ts';
import {
  type ClusterSettings,
  CURRENT_PRIMARY,
  PRIMARY,
  type ReplicaSettings,
  replicaName,
  resolveSettings,
  type SettingsInput,
  STANDBY,
} from './settings.ts';

/** Boots one node's database; in Node an in-process PGlite, in the browser a worker. */
export type NodeFactory = (name: string, role: NodeRole) => Promise<NodeHandle>;

/** Virtual wall-clock origin: the seed's story starts on 2025-11-17 at 10:00:00.000 UTC. */
export const EPOCH_MS = Date.UTC(2025, 10, 17, 10, 0, 0);

/** What a client sees when the server is down: libpq's connection error. */
export const CONNECTION_REFUSED = 'could not connect to server: Connection refused';

export interface WriteOutcome {
  op: number;
  ok: boolean;
  node: string;
  orderId?: number;
  lsn?: number;
  /** With the optimistic-UI strategy: the honest message shown to the customer. */
  message?: string;
  error?: string;
  code?: string;
}

export interface ReadOutcome {
  op: number;
  ok: boolean;
  node: string;
  orderIds: number[];
  replayLsn?: number;
  error?: string;
  code?: string;
}

export interface NodeSnapshot {
  name: string;
  role: Role;
  status: NodeStatus;
  /** Client operations and replayed transactions in the last second of engine time. */
  opsPerSec: number;
  /** opsPerSec against the node's capacity (the seed: 10,000 ops/s). */
  utilisation: number;
}

/** Commands a run's journal can hold (the public commands that change or observe state). */
export type JournaledCommand =
  | 'placeOrder'
  | 'readOrders'
  | 'browse'
  | 'analyticsQuery'
  | 'setMode'
  | 'setReadPolicy'
  | 'setRywStrategy'
  | 'setSessionStore'
  | 'startLoad'
  | 'stopLoad'
  | 'setLag'
  | 'setApplyDelay'
  | 'setApplyRate'
  | 'disconnect'
  | 'reconnect'
  | 'killNode'
  | 'restartNode'
  | 'sql'
  | 'walRecords'
  | 'partition'
  | 'heal'
  | 'setFencing'
  | 'setHealthCheck'
  | 'setFailoverTimings'
  | 'setAutoFailover'
  | 'setPromotionPolicy';

export interface JournalEntry {
  /** Events the clock had run when the command was sent. */
  processed: number;
  at: number;
  name: JournaledCommand;
  args: unknown[];
}

/** One automatic failover, as the summary reports it. */
export interface FailoverRecord {
  oldPrimary: string;
  detectedAt: number;
  promoted?: string;
  promotedAt?: number;
  endpointMovedAt?: number;
}

/**
 * After a promotion the node's sequences continue from their last WAL-logged value, 32
 * ahead of the last id used (PostgreSQL logs sequences in steps of 32): rows 1-4 on the old
 * primary, then 34 on the promoted standby.
 */
export const SEQUENCE_AFTER_PROMOTION_SQL = ['orders.order_id', 'order_items.order_item_id']
  .map((c) => {
    const [t, col] = c.split('.');
    return `SELECT setval(pg_get_serial_sequence('${t}', '${col}'), greatest(33 * ceil(coalesce(max(${col}), 0) / 33.0)::int, 1), max(${col}) IS NOT NULL) FROM ${t};`;
  })
  .join('\n');

/** Shown with an order when the optimistic-UI strategy is on (the seed's solution 3). */
export const OPTIMISTIC_MESSAGE = 'Order placed! It may take a few seconds to appear in your order history.';

export interface ClusterSnapshot {
  nowMs: number;
  seed: number;
  state: string;
  nodes: NodeSnapshot[];
  replication: ReplicationStatus[];
  app: {
    servers: string[];
    readPolicy: ReadPolicy;
    sessionStore: SessionStore;
    strategies: Record<DataKind, RywStrategy>;
    load: LoadOptions | null;
  };
  failover: {
    /** The failover machine's state: monitoring, checking, electing, promoting, repointing, movingEndpoint. */
    state: string;
    primary: string;
    endpoint: string;
    fencing: boolean;
    promotionPolicy: PromotionPolicy;
    partitioned: string[];
    fenced: string[];
    splitBrain: boolean;
    timeline: number;
    failovers: FailoverRecord[];
    /** Whether the failover manager is on, and its settings. */
    auto: boolean;
    healthCheck: HealthCheckSettings;
    timings: FailoverTimings;
    maxLagBytes: number;
    /** Orders acknowledged by a primary the replicas no longer followed, per node. */
    divergent: Record<string, number[]>;
  };
  /** Effective replication mode per kind of data (semi-sync shows when it fell back to async). */
  replicationModes: Record<DataKind, ReplicationMode & { fallenBack?: boolean }>;
  /** Commits waiting for standbys (stuck writes when no synchronous standby is reachable). */
  waitingCommits: WaitingCommit[];
  log: { headIndex: number; headLsn: number; retainedEntries: number; retainedBytes: number; prunedEntries: number };
  historyLength: number;
}

export class Cluster {
  readonly clock = new VirtualClock();
  readonly history = new History(() => this.clock.now());
  readonly random: SeededRandom;
  readonly settings: ClusterSettings;
  private readonly actor: Actor<typeof clusterMachine>;
  private readonly dbs = new Map<string, NodeHandle>();
  private readonly streams = new Map<string, ReplicaStream>();
  private log!: PrimaryLog;
  private nextOp = 0;
  /** Every command sent from outside, with the moment it was sent: a run can be replayed from it. */
  private readonly journalEntries: JournalEntry[] = [];
  /** Commands sent by the engine itself (the load generator) are not journaled: replay regenerates them. */
  private internalDepth = 0;
  /** The settings this cluster was booted with (for replay). */
  private bootInput: SettingsInput = {};
  /** The app servers, their sessions and routing configuration (issue: read/write splitting). */
  readonly app: AppTier;
  readonly load: LoadGenerator;
  private readonly replayWaiters = new Set<{ node: string; lsn: number; done: (ok: boolean) => void }>();
  /** The node replicas follow and the failover manager watches ("current-primary"). */
  private leader = PRIMARY;
  /** Where clients' writes go (the seed's DNS name); it moves last in a failover. */
  private endpoint = PRIMARY;
  private readonly partitioned = new Set<string>();
  /** Old primaries fenced at a promotion: they rejoin as replicas, never take writes on their own. */
  private readonly fenced = new Set<string>();
  /** Transactions acknowledged by a node that was no longer the primary replicas follow (split brain). */
  private readonly divergent = new Map<string, LogEntry[]>();
  private fencing = true;
  private promotionPolicy: PromotionPolicy = 'most-up-to-date';
  private maxLagBytes = MAX_LAG_BYTES_DEFAULT;
  private readonly failoverActor: Actor<typeof failoverMachine>;
  private readonly failoverRecords: FailoverRecord[] = [];
  private splitBrain = false;
  /** The newest log entry acknowledged to a client on the current timeline. */
  private lastAckedEntry = 0;
  /** The old timeline's entries after the last promotion's fork point (what it threw away). */
  private oldTail: LogEntry[] = [];
  private forkAt = { index: 0, lsn: 0 };
  /** Replication modes and the commits waiting for standbys' acknowledgement. */
  readonly acks: CommitAcks;
  /** Engine times of recent operations per node, for ops/s. */
  private readonly recentOps = new Map<string, number[]>();
  private writesSinceCheckpoint = 0;
  private readonly listeners = new Set<() => void>();
  private cachedSnapshot: ClusterSnapshot | undefined;

  private constructor(
    private readonly factory: NodeFactory,
    settings: ClusterSettings,
  ) {
    this.settings = settings;
    this.random = new SeededRandom(settings.seed);
    const nodes: Record<string, NodeLifecycle> = { [PRIMARY]: { role: 'primary', status: 'up' } };
    if (settings.standby) nodes[STANDBY] = { role: 'replica', status: 'up' };
    for (let i = 0; i < settings.replicas; i++) nodes[replicaName(i)] = { role: 'replica', status: 'up' };
    const machine = clusterMachine.provide({
      actors: { bootNodes: fromPromise<void>(() => this.bootNodes()) },
      actions: {
        nodeWentDown: (_, { node }) => this.nodeWentDown(node),
        nodeCameUp: (_, { node }) => this.nodeCameUp(node),
      },
    });
    this.actor = createActor(machine, { clock: this.clock, input: { nodes, restartMs: settings.restartMs } });
    this.clock.onTick(() => this.changed());
    this.app = new AppTier(settings.appServers);
    this.load = new LoadGenerator(this.clock, this.random, {
      placeOrder: (user, total) => this.internally(() => this.placeOrder({ user, total, client: 'load' })),
      readOrders: (user) => this.internally(() => this.readOrders({ user, client: 'load' })),
      browse: (user, category) => this.internally(() => this.browse({ user, category, client: 'load' })),
      analyticsQuery: (user) => this.internally(() => this.analyticsQuery({ user, client: 'load' })),
    });
    this.acks = new CommitAcks({
      clock: this.clock,
      history: this.history,
      standbys: () =>
        this.replicaNames().map((name) => ({
          name,
          streaming: this.canStream(name),
          returnMs: this.stream(name).settings.lagMs,
        })),
      headIndex: () => this.log?.headIndex ?? 0,
    });
    this.failoverActor = createActor(failoverMachine, {
      clock: this.clock,
      input: { health: settings.healthCheck, timings: settings.failoverTimings, hooks: this.failoverHooks() },
    });
    this.history.onRecord((e) => {
      if (e.type === 'repl.received') this.acks.feedback(e.node, 'received', e.entry);
      if (e.type !== 'repl.applied') return;
      this.acks.feedback(e.node, 'replayed', e.entry);
      this.countOp(e.node);
      this.wakeReplayWaiters(e.node, e.lsn);
    });
  }

  /** Boots every node from the snapshot and returns a running cluster at engine time 0. */
  static async boot(factory: NodeFactory, input: SettingsInput = {}): Promise<Cluster> {
    const cluster = new Cluster(factory, resolveSettings(input));
    cluster.bootInput = structuredClone(input);
    cluster.actor.start();
    cluster.failoverActor.start();
    const snap = await waitFor(cluster.actor, (s) => s.matches('running') || s.status !== 'active', {
      timeout: 120_000,
    });
    if (!snap.matches('running')) throw new Error(`cluster failed to boot: ${String(snap.error ?? 'unknown error')}`);
    if (cluster.settings.standby) {
      // Multi-AZ: every commit waits for the standby in the other zone.
      cluster.acks.setMode({ mode: 'sync', level: 'on', standbys: { method: 'FIRST', num: 1, names: [STANDBY] } });
    }
    return cluster;
  }

  private async bootNodes(): Promise<void> {
    const names = this.nodeNames();
    const handles = await Promise.all(names.map((n) => this.factory(n, n === PRIMARY ? 'primary' : 'replica')));
    names.forEach((n, i) => {
      this.dbs.set(n, handles[i]);
    });
    const lsn = await this.currentWalLsn(PRIMARY);
    this.log = new PrimaryLog(lsn);
    if (this.settings.standby)
      this.streams.set(STANDBY, this.makeStream(STANDBY, this.settings.standbySettings, lsn, 0));
    this.settings.replicaSettings.forEach((rs, i) => {
      this.streams.set(replicaName(i), this.makeStream(replicaName(i), rs, lsn, 0));
    });
  }

  private makeStream(name: string, settings: ReplicaSettings, startLsn: number, startIndex: number): ReplicaStream {
    return new ReplicaStream(name, this.db(name), settings, startLsn, startIndex, {
      clock: this.clock,
      history: this.history,
      random: this.random,
      applyBatchMax: this.settings.applyBatchMax,
      isUp: () => this.statusOf(name) === 'up',
      onReplayed: () => this.prune(),
    });
  }

  // ---- names and lifecycle -------------------------------------------------------------

  nodeNames(): string[] {
    return [
      PRIMARY,
      ...(this.settings.standby ? [STANDBY] : []),
      ...Array.from({ length: this.settings.replicas }, (_, i) => replicaName(i)),
    ];
  }

  /** Replicas that serve reads (a Multi-AZ standby serves none). */
  readReplicaNames(): string[] {
    return this.replicaNames().filter((n) => n !== STANDBY);
  }

  replicaNames(): string[] {
    return [...this.streams.keys()];
  }

  /** Resolves `current-primary` and checks the name exists. */
  resolve(node: string): string {
    const name = node === CURRENT_PRIMARY ? this.primaryName() : node;
    if (!this.dbs.has(name)) throw new Error(`no node named "${node}" (nodes: ${this.nodeNames().join(', ')})`);
    return name;
  }

  /** The node that is primary now: the one replicas follow ("current-primary"). */
  primaryName(): string {
    return this.leader;
  }

  statusOf(node: string): NodeStatus {
    return this.actor.getSnapshot().context.nodes[node]?.status ?? 'down';
  }

  private db(node: string): NodeHandle {
    const db = this.dbs.get(node);
    if (!db) throw new Error(`no node named "${node}"`);
    return db;
  }

  private stream(node: string): ReplicaStream {
    const s = this.streams.get(node);
    if (!s) throw new Error(`"${node}" is not a replica (replicas: ${this.replicaNames().join(', ')})`);
    return s;
  }

  private canStream(replica: string): boolean {
    const leader = this.primaryName();
    return (
      this.statusOf(leader) === 'up' &&
      !this.partitioned.has(leader) &&
      this.statusOf(replica) === 'up' &&
      !this.partitioned.has(replica) &&
      this.stream(replica).connected
    );
  }

  /** Ships every committed entry each streaming replica has not been sent yet. */
  private shipAll(): void {
    const now = this.clock.now();
    for (const [name, s] of this.streams) {
      if (!this.canStream(name)) continue;
      const entries = this.log.after(s.sent);
      const committed = entries.findIndex((e) => e.committedAt > now);
      s.ship(committed < 0 ? entries : entries.slice(0, committed));
    }
  }

  private nodeWentDown(node: string): void {
    this.history.record({ type: 'node.down', node });
    this.clock.schedule(0, () => this.acks.recheck());
    if (node === this.primaryName()) {
      for (const s of this.streams.values()) s.dropInFlight(`${node} went down`);
      this.acks.abortAll('server closed the connection unexpectedly');
    } else {
      const s = this.streams.get(node);
      s?.dropInFlight(`${node} went down`);
      s?.stop();
    }
  }

  private nodeCameUp(node: string): void {
    this.history.record({ type: 'node.up', node });
    // xstate publishes the new status after this action; resume streaming just after it.
    this.clock.schedule(0, () => {
      // A fenced old primary comes back only as a replica, after pg_rewind.
      if (this.fenced.has(node)) void this.clock.track(this.rejoin(node));
      this.streams.get(node)?.scheduleApply();
      this.shipAll();
    });
  }

  // ---- commands: every one runs as a clock event ---------------------------------------

  private internally(send: () => Promise<unknown>): void {
    this.internalDepth++;
    try {
      void send();
    } finally {
      this.internalDepth--;
    }
  }

  /**
   * Sends commands without journaling them: a scenario's steps, which the scenario itself
   * re-schedules when the run is replayed (see replay's `prepare`).
   */
  unjournaled<T>(send: () => T): T {
    this.internalDepth++;
    try {
      return send();
    } finally {
      this.internalDepth--;
    }
  }

  /** Notes a command sent from outside (see replay). */
  private journal(name: JournaledCommand, args: unknown[]): void {
    if (this.internalDepth > 0) return;
    this.journalEntries.push({
      processed: this.clock.processed,
      at: this.clock.now(),
      name,
      args: structuredClone(args),
    });
  }

  /** The commands sent so far, each with the moment it was sent. */
  journalCopy(): JournalEntry[] {
    return structuredClone(this.journalEntries);
  }

  /** The settings the cluster booted with. */
  bootSettings(): SettingsInput {
    return structuredClone(this.bootInput);
  }

  /**
   * Rebuilds a run: boots a new cluster with the same settings and seed and sends the same
   * commands at the same moments (same engine time, same number of events run before
   * them), stopping at `untilMs`. Runs are deterministic, so the result is the state the
   * original had then: this is how the page steps back. `prepare` redoes what the original
   * did right after booting (a scenario schedules its steps).
   */
  static async replay(
    factory: NodeFactory,
    input: SettingsInput,
    journal: JournalEntry[],
    untilMs: number,
    prepare?: (cluster: Cluster) => void,
  ): Promise<Cluster> {
    const cluster = await Cluster.boot(factory, input);
    prepare?.(cluster);
    for (const entry of journal) {
      if (entry.at > untilMs) break;
      await cluster.clock.runWhile(() => cluster.clock.processed < entry.processed, entry.at);
      if (entry.at > cluster.clock.now()) await cluster.clock.runUntil(entry.at);
      const send = cluster[entry.name] as (...args: unknown[]) => Promise<unknown>;
      void send.apply(cluster, entry.args).catch(() => undefined);
    }
    await cluster.clock.runUntil(untilMs);
    return cluster;
  }

  /**
   * Runs `work` as an event at the current engine time and resolves with its result. Work
   * that finishes later (a client's ack after commitMs) returns a Later: the event ends at
   * once and the promise resolves when the later event runs.
   */
  private command<T>(label: string, work: () => T | Later<T> | Promise<T | Later<T>>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.clock.schedule(
        0,
        async () => {
          try {
            const result = await work();
            if (result instanceof Later) result.promise.then(resolve, reject);
            else resolve(result);
          } catch (err) {
            reject(err);
          }
        },
        label,
      );
    });
  }

  /** Runs `work` as the event `delayMs` from now. */
  private later<T>(delayMs: number, work: () => T): Later<T> {
    return new Later(new Promise<T>((resolve) => this.clock.schedule(delayMs, () => resolve(work()))));
  }

  /**
   * Places an order as `user` (the seed's createOrder: one INSERT into orders). Sent to
   * `node` directly when given (as a client that reaches that node would), otherwise
   * through an app server (`via`, or the load balancer's pick) to the current primary.
   */
  placeOrder(args: {
    user: number;
    total: number;
    node?: string;
    via?: string;
    client?: string;
  }): Promise<WriteOutcome> {
    this.journal('placeOrder', [args]);
    return this.command<WriteOutcome>('placeOrder', async () => {
      const server = args.node ? undefined : this.app.server(args.via);
      const node = this.resolve(args.node ?? this.endpoint);
      const op = ++this.nextOp;
      this.history.record({
        type: 'write.invoke',
        op,
        client: args.client ?? `user-${args.user}`,
        user: args.user,
        node,
        action: 'placeOrder',
        total: args.total,
        ...(server ? { via: server.name } : {}),
      });
      const order = placeOrderRow(args.user, args.total, EPOCH_MS + this.clock.now());
      const fail = (error: string, code?: string) =>
        this.later<WriteOutcome>(this.settings.commitMs, () => {
          this.history.record({ type: 'write.fail', op, node, error, code });
          return { op, ok: false, node, error, code };
        });
      if (this.statusOf(node) !== 'up') return fail(CONNECTION_REFUSED);
      try {
        const result = await this.db(node).insert('orders', [order]);
        const [entry] = this.commit(result.txns, result.endLsn, node);
        this.countOp(node);
        const orderId = Number(result.results[0]?.rows[0]?.order_id);
        const lsn = entry?.lsn ?? result.endLsn;
        const acknowledge = (): WriteOutcome => {
          this.history.record({
            type: 'write.ok',
            op,
            node,
            lsn,
            xid: entry?.xid ?? 0,
            entry: entry?.index ?? 0,
            orderIds: entry?.orderIds ?? [],
          });
          if (server) this.app.noteWrite(server, args.user, this.clock.now(), lsn);
          if (node !== this.leader) this.noteSplitBrain(node);
          else if (entry) this.lastAckedEntry = Math.max(this.lastAckedEntry, entry.index);
          const optimistic = this.app.strategies.orders.name === 'optimistic';
          return { op, ok: true, node, orderId, lsn, ...(optimistic ? { message: OPTIMISTIC_MESSAGE } : {}) };
        };
        // The local commit takes commitMs; then the mode decides how long the client waits.
        return new Later(
          new Promise<WriteOutcome>((resolve) => {
            this.clock.schedule(this.settings.commitMs, () => {
              if (this.statusOf(node) !== 'up') {
                // The server died before the commit returned: the client sees an error.
                const error = 'server closed the connection unexpectedly';
                this.history.record({ type: 'write.fail', op, node, error });
                resolve({ op, ok: false, node, error });
              } else if (!entry || node !== this.leader) resolve(acknowledge());
              else
                this.acks.waitFor(
                  { op, entry: entry.index, kind: 'orders', orderIds: entry.orderIds },
                  () => resolve(acknowledge()),
                  (reason) => {
                    this.history.record({ type: 'write.fail', op, node, error: reason });
                    resolve({ op, ok: false, node, error: reason });
                  },
                );
            });
          }),
        );
      } catch (err) {
        if (!(err instanceof SqlError)) throw err;
        this.commitCaptured(err, node);
        return fail(err.message, err.info.code);
      }
    });
  }

  /** "My orders": a user's order ids, from `node`, or as the app tier routes the read. */
  readOrders(args: { user: number; node?: string; via?: string; client?: string }): Promise<ReadOutcome> {
    this.journal('readOrders', [args]);
    return this.read('readOrders', 'orders', args, (node) => {
      // While a synchronous commit waits for its standby, other sessions on the primary do
      // not see its row (PostgreSQL keeps the transaction in progress until then).
      const hidden = node === this.primaryName() ? this.acks.waitingOrderIds() : [];
      const filter = hidden.length ? ` AND order_id <> ALL('{${hidden.map(int).join(',')}}'::int[])` : '';
      return this.readQuery(
        node,
        `SELECT order_id FROM orders WHERE user_id = ${int(args.user)}${filter} ORDER BY order_id`,
      ).then((r) => r.rows.map((row) => Number(row.order_id)));
    });
  }

  /** Sets the replication mode, for one kind of data or for all (the seed: orders semi-sync, products async). */
  setMode(mode: ReplicationMode, kind?: DataKind): Promise<void> {
    this.journal('setMode', [mode, kind]);
    return this.command('setMode', () => {
      for (const n of mode.mode === 'sync' ? mode.standbys.names : []) this.stream(n);
      this.acks.setMode(mode, kind);
    });
  }

  /** Browses a category of products (reads that tolerate staleness: the seed's async data). */
  browse(args: {
    user: number;
    category?: string;
    node?: string;
    via?: string;
    client?: string;
  }): Promise<ReadOutcome> {
    this.journal('browse', [args]);
    const category = args.category ?? 'Electronics';
    return this.read('browse', 'products', args, async (node) => {
      await this.readQuery(
        node,
        `SELECT product_id, name, price FROM products WHERE category = ${sqlLiteral(category)} ORDER BY product_id`,
      );
      return [];
    });
  }

  /**
   * The seed's getTopSellingProducts on its dedicated analytics replica (the last replica):
   * a heavy query that keeps that replica busy, so its replay falls behind.
   */
  analyticsQuery(args: { user?: number; client?: string } = {}): Promise<ReadOutcome> {
    this.journal('analyticsQuery', [args]);
    const node = this.readReplicaNames().at(-1) ?? PRIMARY;
    const reason = `the seed sends heavy analytics to its dedicated replica, ${node}`;
    return this.read(
      'analyticsQuery',
      'analytics',
      { user: args.user ?? 0, client: args.client, node, reason },
      async (n) => {
        await this.readQuery(
          n,
          `SELECT p.product_id, p.name, sum(oi.quantity) AS total_sold
           FROM products p JOIN order_items oi ON p.product_id = oi.product_id
          GROUP BY p.product_id ORDER BY total_sold DESC LIMIT 100`,
        );
        this.streams.get(n)?.occupy(this.settings.analyticsCostMs);
        return [];
      },
    );
  }

  /**
   * One read: routed (unless `node` is given), possibly waiting for a replica to replay the
   * session's last write (lsn-wait), run, and recorded with the node that served it.
   */
  private read(
    action: string,
    kind: DataKind | 'analytics',
    args: { user: number; node?: string; via?: string; client?: string; reason?: string },
    run: (node: string) => Promise<number[]>,
  ): Promise<ReadOutcome> {
    return this.command<ReadOutcome>(action, async () => {
      const server = args.node ? undefined : this.app.server(args.via);
      const decision: ReadDecision = server
        ? this.route(server, args.user, kind)
        : { node: this.resolve(args.node ?? CURRENT_PRIMARY), reason: args.reason ?? 'sent straight to this node' };
      const op = ++this.nextOp;
      const startedAt = this.clock.now();
      this.history.record({
        type: 'read.invoke',
        op,
        client: args.client ?? `user-${args.user}`,
        user: args.user,
        node: decision.node,
        action,
        reason: decision.reason,
        ...(server ? { via: server.name } : {}),
      });
      const finish = (node: string) => this.finishRead(op, node, startedAt, run);
      if (decision.waitForLsn === undefined) return finish(decision.node);
      // Waiting happens in engine time: the read resumes as a new event once the replica has
      // replayed the session's last write, or falls back to the primary at the timeout.
      const { node, waitForLsn, timeoutMs, fallback } = decision;
      return new Later(
        new Promise<ReadOutcome>((resolve, reject) => {
          this.whenReplayed(node, waitForLsn, timeoutMs, (caughtUp) =>
            this.clock.schedule(0, async () => {
              try {
                (await finish(caughtUp ? node : fallback)).promise.then(resolve, reject);
              } catch (err) {
                reject(err);
              }
            }),
          );
        }),
      );
    });
  }

  /** Runs a routed read on `node` and records its result `readMs` later. */
  private async finishRead(
    op: number,
    node: string,
    startedAt: number,
    run: (node: string) => Promise<number[]>,
  ): Promise<Later<ReadOutcome>> {
    const fail = (error: string, code?: string) =>
      this.later<ReadOutcome>(this.settings.readMs, () => {
        this.history.record({ type: 'read.fail', op, node, error, code });
        return { op, ok: false, node, orderIds: [], error, code };
      });
    if (this.statusOf(node) !== 'up') return fail(CONNECTION_REFUSED);
    const replayLsn = this.replayLsnOf(node);
    const lagMs = this.behindMsOf(node);
    try {
      const orderIds = await run(node);
      this.countOp(node);
      const waitedMs = this.clock.now() - startedAt;
      return this.later<ReadOutcome>(this.settings.readMs, () => {
        this.history.record({ type: 'read.ok', op, node, orderIds, replayLsn, lagMs, waitedMs });
        return { op, ok: true, node, orderIds, replayLsn };
      });
    } catch (err) {
      if (!(err instanceof SqlError)) throw err;
      return fail(err.message, err.info.code);
    }
  }

  /** Routing of one read by an app server: read-your-writes rule first, then the read policy. */
  private route(server: AppServer, user: number, kind: DataKind | 'analytics'): ReadDecision {
    const strategy = kind === 'analytics' ? DEFAULT_RYW : this.app.strategies[kind];
    const decision = decideRead({
      user,
      nowMs: this.clock.now(),
      primary: this.primaryName(),
      replicas: this.readReplicaNames().map((name) => ({
        name,
        available: this.statusOf(name) === 'up',
        behindMs: this.behindMsOf(name),
        replayLsn: this.replayLsnOf(name),
      })),
      policy: this.app.policy,
      strategy,
      session: this.app.session(server, user),
      rrIndex: server.rrIndex,
      random: this.app.policy === 'random' ? this.random.next() : 0,
    });
    if (decision.advance) server.rrIndex++;
    return decision;
  }

  /**
   * Calls `then(true)` once `node` has replayed `lsn` (as a client polling
   * pg_last_wal_replay_lsn() would see), or `then(false)` after `timeoutMs` without it.
   * `then` runs inside the event that decided it; it must not wait on the clock.
   */
  private whenReplayed(node: string, lsn: number, timeoutMs: number, then: (caughtUp: boolean) => void): void {
    if (this.replayLsnOf(node) >= lsn) {
      then(true);
      return;
    }
    let timer: number | undefined;
    const waiter = {
      node,
      lsn,
      done: (ok: boolean) => {
        this.replayWaiters.delete(waiter);
        if (timer !== undefined) this.clock.cancel(timer);
        then(ok);
      },
    };
    if (Number.isFinite(timeoutMs)) timer = this.clock.schedule(timeoutMs, () => waiter.done(false));
    this.replayWaiters.add(waiter);
  }

  private wakeReplayWaiters(node: string, lsn: number): void {
    for (const w of this.replayWaiters) if (w.node === node && lsn >= w.lsn) w.done(true);
  }

  /** Sets the read policy of every app server. */
  setReadPolicy(policy: ReadPolicy): Promise<void> {
    this.journal('setReadPolicy', [policy]);
    return this.command('setReadPolicy', () => {
      this.app.policy = policy;
      this.history.record({ type: 'config.changed', setting: 'readPolicy', value: policy });
    });
  }

  /** Sets the read-your-writes strategy (and its parameters), for one kind of data or all. */
  setRywStrategy(strategy: Partial<RywStrategy> & { name: RywStrategy['name'] }, kind?: DataKind): Promise<void> {
    this.journal('setRywStrategy', [strategy, kind]);
    return this.command('setRywStrategy', () => {
      for (const k of kind ? [kind] : (['orders', 'products'] as const)) {
        this.app.strategies[k] = { ...this.app.strategies[k], ...strategy };
      }
      this.history.record({
        type: 'config.changed',
        setting: `rywStrategy${kind ? `.${kind}` : ''}`,
        value: strategy.name,
      });
    });
  }

  setSessionStore(store: SessionStore): Promise<void> {
    this.journal('setSessionStore', [store]);
    return this.command('setSessionStore', () => {
      this.app.store = store;
      this.history.record({ type: 'config.changed', setting: 'sessionStore', value: store });
    });
  }

  /** Starts the load generator: writes/s and reads/s from many simulated users, seeded. */
  startLoad(options: Partial<LoadOptions> = {}): Promise<void> {
    this.journal('startLoad', [options]);
    return this.command('startLoad', () => {
      this.load.start(options);
      this.history.record({ type: 'config.changed', setting: 'load', value: 'started' });
    });
  }

  stopLoad(): Promise<void> {
    this.journal('stopLoad', []);
    return this.command('stopLoad', () => {
      this.load.stop();
      this.history.record({ type: 'config.changed', setting: 'load', value: 'stopped' });
    });
  }

  /** Changes a replica link's one-way delay (0-10,000 ms); in-flight entries keep theirs. */
  setLag(node: string, ms: number): Promise<void> {
    this.journal('setLag', [node, ms]);
    return this.command('setLag', () => {
      const s = this.stream(this.resolve(node));
      s.settings.lagMs = ms;
      this.history.record({ type: 'link.changed', node: s.name, lagMs: ms });
    });
  }

  setApplyDelay(node: string, ms: number): Promise<void> {
    this.journal('setApplyDelay', [node, ms]);
    return this.command('setApplyDelay', () => {
      const s = this.stream(this.resolve(node));
      s.settings.applyDelayMs = ms;
      s.replanApply();
      this.history.record({ type: 'link.changed', node: s.name, applyDelayMs: ms });
    });
  }

  setApplyRate(node: string, perSec: number): Promise<void> {
    this.journal('setApplyRate', [node, perSec]);
    return this.command('setApplyRate', () => {
      const s = this.stream(this.resolve(node));
      s.settings.applyRatePerSec = perSec;
      s.replanApply();
      this.history.record({ type: 'link.changed', node: s.name, applyRatePerSec: perSec });
    });
  }

  disconnect(node: string): Promise<void> {
    this.journal('disconnect', [node]);
    return this.command('disconnect', () => {
      const s = this.stream(this.resolve(node));
      if (!s.connected) return;
      s.connected = false;
      this.history.record({ type: 'link.changed', node: s.name, connected: false });
      s.dropInFlight('link disconnected');
      this.acks.recheck();
    });
  }

  reconnect(node: string): Promise<void> {
    this.journal('reconnect', [node]);
    return this.command('reconnect', () => {
      const s = this.stream(this.resolve(node));
      if (s.connected) return;
      s.connected = true;
      this.history.record({ type: 'link.changed', node: s.name, connected: true });
      this.shipAll();
    });
  }

  killNode(node: string): Promise<void> {
    this.journal('killNode', [node]);
    return this.command('killNode', () => {
      this.actor.send({ type: 'KILL', node: this.resolve(node) });
    });
  }

  restartNode(node: string): Promise<void> {
    this.journal('restartNode', [node]);
    return this.command('restartNode', () => {
      const name = this.resolve(node);
      if (this.statusOf(name) !== 'down') return;
      this.actor.send({ type: 'RESTART', node: name });
      this.history.record({ type: 'node.recovering', node: name });
    });
  }

  /**
   * Runs SQL typed into a node's console. On the primary it is a client write like any
   * other (captured and replicated); on a replica it runs read-only, so a write fails with
   * PostgreSQL's own error. Errors are PostgreSQL's, as SqlError.
   */
  sql(node: string, text: string): Promise<QueryResult[]> {
    this.journal('sql', [node, text]);
    return this.command('sql', async () => {
      const name = this.resolve(node);
      if (this.statusOf(name) !== 'up') throw new SqlError({ message: CONNECTION_REFUSED, severity: 'FATAL' });
      if (name !== this.primaryName() && this.roleOf(name) !== 'primary') {
        await this.streams.get(name)?.writeReplayed();
        return this.db(name).exec(text);
      }
      try {
        const result = await this.db(name).write(text);
        this.commit(result.txns, result.endLsn, name);
        return result.results;
      } catch (err) {
        if (err instanceof SqlError) this.commitCaptured(err, name);
        throw err;
      }
    });
  }

  /** The physical WAL records behind a log entry (pg_walinspect on the primary). */
  walRecords(entryIndex: number): Promise<WalRecord[]> {
    this.journal('walRecords', [entryIndex]);
    return this.command('walRecords', () => {
      const entry = this.log.lookup(entryIndex);
      if (!entry)
        throw new Error(
          `log entry ${entryIndex} is too old to inspect (only the last ${RECENT_ENTRIES_KEPT} pruned entries are kept)`,
        );
      return this.db(entry.walNode).walRecords(entry.walStartLsn, entry.xid);
    });
  }

  /** Every replicated table of a node, rows ordered by key. */
  dumpTables(node: string): Promise<Record<string, Record<string, unknown>[]>> {
    return this.command('dumpTables', async () => {
      const name = this.resolve(node);
      await this.streams.get(name)?.writeReplayed();
      return this.db(name).dumpTables();
    });
  }

  // ---- replication ---------------------------------------------------------------------

  /** Records committed transactions in the log and ships them; returns the new entries. */
  private commit(txns: CapturedTxn[], endLsn: number, node: string): LogEntry[] {
    if (node !== this.leader) {
      // A primary the replicas no longer follow (partitioned or unfenced old primary):
      // what it commits goes nowhere. Kept to show the two histories side by side.
      const list = this.divergent.get(node) ?? [];
      const entries = txns.map((t, i) => ({
        index: -(list.length + i + 1),
        xid: t.xid,
        lsn: t.lsn,
        startLsn: t.lsn,
        walStartLsn: t.lsn,
        walNode: node,
        timeline: 0,
        committedAt: this.clock.now() + this.settings.commitMs,
        changes: t.changes,
        orderIds: t.changes
          .filter((c) => c.table === 'orders' && c.op === 'INSERT')
          .map((c) => Number(c.newRow?.order_id)),
      }));
      list.push(...entries);
      this.divergent.set(node, list);
      return entries;
    }
    // The local commit (flushing the commit record) takes commitMs; the walsender ships a
    // transaction once it is committed, as MySQL's AFTER_SYNC and PostgreSQL do.
    const entries = this.log.append(txns, this.clock.now() + this.settings.commitMs);
    this.log.noteLsn(endLsn);
    if (entries.length > 0) this.clock.schedule(this.settings.commitMs, () => this.shipAll(), 'ship');
    if (++this.writesSinceCheckpoint >= this.settings.checkpointEveryWrites) {
      this.writesSinceCheckpoint = 0;
      // PGlite never checkpoints by itself; without this its in-memory WAL grows unbounded.
      void this.clock.track(this.db(node).exec('CHECKPOINT'));
    }
    return entries;
  }

  private commitCaptured(err: SqlError, node: string): void {
    const { captured } = err as SqlError & { captured?: { txns: CapturedTxn[]; endLsn: number } };
    if (captured && captured.txns.length > 0) this.commit(captured.txns, captured.endLsn, node);
  }

  private prune(): void {
    let min = this.log.headIndex;
    for (const s of this.streams.values()) min = Math.min(min, s.replayed);
    this.log.prune(min);
  }

  private countOp(node: string): void {
    const list = this.recentOps.get(node) ?? [];
    list.push(this.clock.now());
    if (list.length > 4096) list.splice(0, list.length - 2048);
    this.recentOps.set(node, list);
  }

  /** Operations (client reads and writes, replayed transactions) in the last second. */
  opsPerSec(node: string): number {
    const since = this.clock.now() - 1000;
    const list = this.recentOps.get(node) ?? [];
    let n = 0;
    for (let i = list.length - 1; i >= 0 && list[i] > since; i--) n++;
    return n;
  }

  /** Engine ms since the oldest transaction `node` has not replayed committed (0 for the primary). */
  behindMsOf(node: string): number {
    const s = this.streams.get(node);
    if (!s) return 0;
    const next = this.log.get(s.replayed + 1);
    return next ? Math.max(0, this.clock.now() - next.committedAt) : 0;
  }

  private replayLsnOf(node: string): number {
    const s = this.streams.get(node);
    return s ? s.positions().replayLsn : this.log.headLsn;
  }

  private async readQuery(node: string, sql: string): Promise<QueryResult> {
    await this.streams.get(node)?.writeReplayed();
    const [result] = await this.db(node).exec(sql);
    return result;
  }

  private async currentWalLsn(node: string): Promise<number> {
    const r = await this.db(node).query('SELECT pg_current_wal_insert_lsn()::text AS lsn');
    return parseLsn(String(r.rows[0].lsn));
  }

  /** Runs the clock until every connected, live replica has replayed the whole log. */
  async drain(limitMs = 600_000): Promise<boolean> {
    const until = this.clock.now() + limitMs;
    const caughtUp = () =>
      [...this.streams.values()].every((s) => !this.canStream(s.name) || s.replayed >= this.log.headIndex);
    await this.clock.runWhile(() => !caughtUp(), until);
    return caughtUp();
  }

  /** Whether every replica's tables equal the primary's, row for row. */
  async converged(): Promise<{ converged: boolean; differing: string[] }> {
    const primary = JSON.stringify(await this.dumpTablesNow(this.primaryName()));
    const differing: string[] = [];
    for (const name of this.replicaNames()) {
      if (JSON.stringify(await this.dumpTablesNow(name)) !== primary) differing.push(name);
    }
    return { converged: differing.length === 0, differing };
  }

  /** Every replicated table of `node` now, outside the clock (for checks after a run). */
  async dumpTablesNow(node: string): Promise<Record<string, Record<string, unknown>[]>> {
    await this.streams.get(node)?.writeReplayed();
    return this.db(node).dumpTables();
  }

  // ---- failover ------------------------------------------------------------------------

  roleOf(node: string): Role {
    return this.actor.getSnapshot().context.nodes[node]?.role ?? 'replica';
  }

  /** Cuts `node` off from the other nodes and the failover manager; clients still reach it. */
  partition(node: string): Promise<void> {
    this.journal('partition', [node]);
    return this.command('partition', () => {
      const name = this.resolve(node);
      if (this.partitioned.has(name)) return;
      this.partitioned.add(name);
      this.history.record({ type: 'node.partitioned', node: name, partitioned: true });
      if (name === this.leader) for (const s of this.streams.values()) s.dropInFlight(`${name} is partitioned`);
      else this.streams.get(name)?.dropInFlight(`${name} is partitioned`);
      this.acks.recheck();
    });
  }

  /** Ends every partition (or `node`'s). An unfenced old primary stays a second primary. */
  heal(node?: string): Promise<void> {
    this.journal('heal', [node]);
    return this.command('heal', () => {
      for (const name of node ? [this.resolve(node)] : [...this.partitioned]) {
        if (!this.partitioned.delete(name)) continue;
        this.history.record({ type: 'node.partitioned', node: name, partitioned: false });
      }
      this.shipAll();
    });
  }

  setFencing(on: boolean): Promise<void> {
    this.journal('setFencing', [on]);
    return this.command('setFencing', () => {
      this.fencing = on;
      this.history.record({ type: 'config.changed', setting: 'fencing', value: on ? 'on' : 'off' });
    });
  }

  setHealthCheck(health: Partial<HealthCheckSettings>): Promise<void> {
    this.journal('setHealthCheck', [health]);
    return this.command('setHealthCheck', () => {
      this.failoverActor.send({ type: 'SET_HEALTH_CHECK', health });
      this.history.record({ type: 'config.changed', setting: 'healthCheck', value: JSON.stringify(health) });
    });
  }

  setFailoverTimings(timings: Partial<FailoverTimings>): Promise<void> {
    this.journal('setFailoverTimings', [timings]);
    return this.command('setFailoverTimings', () => {
      this.failoverActor.send({ type: 'SET_TIMINGS', timings });
      this.history.record({ type: 'config.changed', setting: 'failoverTimings', value: JSON.stringify(timings) });
    });
  }

  setAutoFailover(enabled: boolean): Promise<void> {
    this.journal('setAutoFailover', [enabled]);
    return this.command('setAutoFailover', () => {
      this.failoverActor.send({ type: 'SET_ENABLED', enabled });
      this.history.record({ type: 'config.changed', setting: 'autoFailover', value: enabled ? 'on' : 'off' });
    });
  }

  setPromotionPolicy(policy: PromotionPolicy, maxLagBytes?: number): Promise<void> {
    this.journal('setPromotionPolicy', [policy, maxLagBytes]);
    return this.command('setPromotionPolicy', () => {
      this.promotionPolicy = policy;
      if (maxLagBytes !== undefined) this.maxLagBytes = maxLagBytes;
      this.history.record({ type: 'config.changed', setting: 'promotionPolicy', value: policy });
    });
  }

  /** What the failover machine asks of the cluster. Runs inside machine transitions. */
  private failoverHooks(): FailoverHooks {
    return {
      primaryReachable: () => this.statusOf(this.leader) === 'up' && !this.partitioned.has(this.leader),
      checked: (ok, failures) => {
        if (!ok || failures > 0) this.history.record({ type: 'health.check', node: this.leader, ok, failures });
      },
      detected: () => {
        // A failover still waiting for a candidate goes on; it is not a new one.
        const last = this.failoverRecords.at(-1);
        if (!last || last.promoted || last.oldPrimary !== this.leader) {
          this.failoverRecords.push({ detectedAt: this.clock.now(), oldPrimary: this.leader });
        }
        this.history.record({
          type: 'failover.phase',
          phase: 'detect',
          node: this.leader,
          detail: `${this.leader} missed its health checks: declared dead`,
        });
      },
      choose: () => this.chooseCandidate(),
      promote: (candidate) => void this.clock.track(this.promote(candidate)),
      repoint: (candidate) => void this.clock.track(this.repoint(candidate)),
      moveEndpoint: (candidate) => {
        this.endpoint = candidate;
        const record = this.failoverRecords.at(-1);
        if (record) record.endpointMovedAt = this.clock.now();
        this.history.record({
          type: 'failover.phase',
          phase: 'endpoint',
          node: candidate,
          detail: `the endpoint clients write to now points at ${candidate}: writes resume`,
        });
      },
    };
  }

  private chooseCandidate(): string | undefined {
    const views = this.replicaNames().map((name) => {
      const p = this.stream(name).positions();
      return {
        name,
        reachable: this.statusOf(name) === 'up' && !this.partitioned.has(name),
        receivedLsn: p.writeLsn,
        receivedIndex: p.receivedIndex,
        standby: name === STANDBY,
      };
    });
    const sync = this.acks.modes().orders.mode === 'sync';
    const choice = chooseCandidate(
      this.promotionPolicy,
      views,
      this.log.headLsn,
      this.maxLagBytes,
      sync ? this.lastAckedEntry : undefined,
    );
    const rejected = choice.rejected.map((r) => `${r.name}: ${r.why}`).join('; ');
    this.history.record({
      type: 'failover.phase',
      phase: choice.candidate ? 'elect' : 'no-candidate',
      node: choice.candidate,
      detail: `${choice.reason}${rejected ? ` (not: ${rejected})` : ''}`,
    });
    return choice.candidate;
  }

  /**
   * Promotion: fence the old primary (if fencing is on), replay everything the candidate
   * received, make it read-write, start a new timeline from what it has. Acknowledged writes
   * beyond that are lost.
   */
  private async promote(candidate: string): Promise<void> {
    const old = this.leader;
    if (this.fencing && this.statusOf(old) === 'up') {
      // STONITH: power the old primary off before anyone else may take writes.
      this.fenced.add(old);
      this.history.record({ type: 'node.fenced', node: old, detail: 'fenced (STONITH) before the promotion' });
      this.actor.send({ type: 'KILL', node: old });
    } else if (this.fencing) {
      this.fenced.add(old);
    }
    const stream = this.stream(candidate);
    const reached = await stream.promote();
    this.streams.delete(candidate);
    this.oldTail = this.log.tailAfter(reached.index);
    this.forkAt = reached;
    // Lost: transactions acknowledged to a customer (by whichever node was primary then)
    // that the promoted node never received. Order ids can repeat across timelines, so
    // acknowledgements are matched by node, entry and position.
    const key = (node: string, entry: number, lsn: number) => `${node}/${entry}/${lsn}`;
    const acks = new Map(this.history.ofType('write.ok').map((w) => [key(w.node, w.entry, w.lsn), w.op]));
    const lostEntries = this.oldTail.filter((e) => acks.has(key(e.walNode, e.index, e.lsn)));
    if (lostEntries.length) {
      this.history.record({
        type: 'failover.lost',
        orderIds: lostEntries.flatMap((e) => e.orderIds),
        ops: lostEntries.map((e) => acks.get(key(e.walNode, e.index, e.lsn)) ?? 0),
        fromNode: old,
      });
    }
    await this.db(candidate).setRole('primary');
    // Sequences are WAL-logged 32 values ahead, so the promoted node's next order id jumps.
    await this.db(candidate).exec(SEQUENCE_AFTER_PROMOTION_SQL);
    const walLsn = await this.currentWalLsn(candidate);
    this.log = this.log.fork(reached.index, reached.lsn, candidate, walLsn);
    this.acks.resetFeedback(reached.index);
    this.acks.dropStandby(candidate);
    this.leader = candidate;
    this.actor.send({ type: 'SET_ROLE', node: candidate, role: 'primary' });
    if (this.fencing) this.actor.send({ type: 'SET_ROLE', node: old, role: 'replica' });
    const record = this.failoverRecords.at(-1);
    if (record) Object.assign(record, { promoted: candidate, promotedAt: this.clock.now() });
    this.history.record({
      type: 'failover.phase',
      phase: 'promote',
      node: candidate,
      detail: `${candidate} replayed what it had received (up to entry ${reached.index}) and accepts writes: timeline ${this.log.timeline}`,
    });
  }

  /** Points every other replica at the new primary, rewinding any that received more than it had. */
  private async repoint(candidate: string): Promise<void> {
    for (const name of this.replicaNames()) {
      const old = this.stream(name);
      const { replayed, replayedLsn } = await old.retire();
      const start = await this.rewindTo(name, replayed, replayedLsn);
      this.streams.set(name, this.makeStream(name, old.settings, start.lsn, start.index));
    }
    this.history.record({
      type: 'failover.phase',
      phase: 'repoint',
      node: candidate,
      detail: `${this.replicaNames().join(', ') || 'no replica'} now follow ${candidate}`,
    });
    this.shipAll();
  }

  /**
   * pg_rewind: undoes on `node` the transactions after the new timeline's fork point that
   * it has (replayed from the old primary, or committed itself as the old primary).
   * Returns where its stream restarts.
   */
  private async rewindTo(node: string, replayed: number, replayedLsn: number): Promise<{ index: number; lsn: number }> {
    const fork = this.forkPoint();
    const own = this.divergent.get(node) ?? [];
    const tail = [...this.oldTail.filter((e) => e.index > fork.index && e.index <= replayed), ...own];
    if (tail.length === 0) return { index: replayed, lsn: replayedLsn };
    const sql = rewindSql(tail);
    if (sql === undefined) throw new Error(`${node} cannot be rewound (a TRUNCATE): it needs a fresh copy`);
    await this.db(node).exec(sql);
    this.divergent.delete(node);
    this.history.record({
      type: 'node.rewound',
      node,
      discardedOrderIds: tail.flatMap((e) => e.orderIds),
      entries: tail.length,
      method: 'pg_rewind',
    });
    return fork;
  }

  /**
   * An old primary, fenced at a promotion, rejoins as a replica once restarted: it throws
   * away what the new primary does not have by taking a fresh copy of it (the new primary
   * kept no WAL for a node it never streamed to), and the discarded rows are recorded.
   */
  private async rejoin(node: string): Promise<void> {
    this.fenced.delete(node);
    await this.db(node).setRole('replica');
    const start = await this.freshCopy(node);
    const settings = this.settings.replicaSettings[0] ?? resolveSettings({ replicas: 1 }).replicaSettings[0];
    this.streams.set(node, this.makeStream(node, { ...settings }, start.lsn, start.index));
    this.actor.send({ type: 'SET_ROLE', node, role: 'replica' });
    this.shipAll();
  }

  private forkPoint(): { index: number; lsn: number } {
    return this.forkAt;
  }

  /** Replaces `node`'s tables with a copy of the primary's (pg_basebackup); returns where it stands. */
  private async freshCopy(node: string): Promise<{ index: number; lsn: number }> {
    const leader = this.primaryName();
    await this.streams.get(leader)?.writeReplayed();
    const source = await this.db(leader).dumpTables();
    const before = await this.db(node).dumpTables();
    const kept = new Set(source.orders.map((r) => Number(r.order_id)));
    await this.db(node).exec(copyTablesSql(source));
    this.history.record({
      type: 'node.rewound',
      node,
      discardedOrderIds: before.orders.map((r) => Number(r.order_id)).filter((id) => !kept.has(id)),
      entries: 0,
      method: 'fresh copy',
    });
    return { index: this.log.headIndex, lsn: this.log.headLsn };
  }

  private noteSplitBrain(node: string): void {
    if (this.splitBrain) return;
    this.splitBrain = true;
    this.history.record({ type: 'split-brain', nodes: [node, this.leader] });
  }

  // ---- snapshots -----------------------------------------------------------------------

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.cachedSnapshot = undefined;
    for (const l of this.listeners) l();
  }

  getSnapshot(): ClusterSnapshot {
    if (this.cachedSnapshot) return this.cachedSnapshot;
    const machine = this.actor.getSnapshot();
    const failoverCtx = this.failoverActor.getSnapshot().context;
    const now = this.clock.now();
    this.cachedSnapshot = {
      nowMs: now,
      seed: this.settings.seed,
      state: typeof machine.value === 'string' ? machine.value : JSON.stringify(machine.value),
      nodes: this.nodeNames().map((name) => {
        const opsPerSec = this.opsPerSec(name);
        return {
          name,
          ...machine.context.nodes[name],
          opsPerSec,
          utilisation: opsPerSec / this.settings.capacityOpsPerSec,
        };
      }),
      app: {
        servers: this.app.servers.map((s) => s.name),
        readPolicy: this.app.policy,
        sessionStore: this.app.store,
        strategies: { orders: { ...this.app.strategies.orders }, products: { ...this.app.strategies.products } },
        load: this.load.running ? { ...this.load.running } : null,
      },
      failover: {
        state: JSON.stringify(this.failoverActor.getSnapshot().value).replaceAll('"', ''),
        primary: this.leader,
        endpoint: this.endpoint,
        fencing: this.fencing,
        promotionPolicy: this.promotionPolicy,
        partitioned: [...this.partitioned],
        fenced: [...this.fenced],
        splitBrain: this.splitBrain,
        timeline: this.log?.timeline ?? 1,
        failovers: this.failoverRecords.map((r) => ({ ...r })),
        auto: failoverCtx.enabled,
        healthCheck: { ...failoverCtx.health },
        timings: { ...failoverCtx.timings },
        maxLagBytes: this.maxLagBytes,
        divergent: Object.fromEntries([...this.divergent].map(([n, list]) => [n, list.flatMap((e) => e.orderIds)])),
      },
      replicationModes: this.acks.modes(),
      waitingCommits: this.acks.waiting(),
      replication: this.log
        ? this.replicaNames().map((name) => {
            const s = this.stream(name);
            const p = s.positions();
            return replicationStatus({
              name,
              status: this.statusOf(name),
              connected: s.connected,
              settings: s.settings,
              positions: p,
              headIndex: this.log.headIndex,
              oldestUnreplayedAt: this.log.get(p.replayedIndex + 1)?.committedAt,
              nowMs: now,
            });
          })
        : [],
      log: {
        headIndex: this.log?.headIndex ?? 0,
        headLsn: this.log?.headLsn ?? 0,
        retainedEntries: this.log?.retainedCount ?? 0,
        retainedBytes: this.log?.retainedBytes ?? 0,
        prunedEntries: this.log?.prunedCount ?? 0,
      },
      historyLength: this.history.length,
    };
    return this.cachedSnapshot;
  }

  /**
   * Every transaction on a link or waiting to be replayed, per replica, with its send and
   * arrival times in engine ms: a view computes a dot's position from them and `nowMs`,
   * so pause, step and speed move it exactly.
   */
  shipments(): Shipment[] {
    return [...this.streams.values()].flatMap((s) => s.shipments());
  }

  /** The newest `count` log entries, oldest first (the UI's log view). */
  recentLog(count: number): LogEntry[] {
    return this.log.latest(count);
  }

  async close(): Promise<void> {
    this.load.stop();
    this.failoverActor.stop();
    this.actor.stop();
    await Promise.all([...this.dbs.values()].map((db) => db.close().catch(() => undefined)));
  }
}

/** A result that arrives in a later clock event. */
class Later<T> {
  constructor(readonly promise: Promise<T>) {}
}

function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`expected an integer, got ${n}`);
  return String(n);
}

/** The seed's createOrder: `INSERT INTO orders (user_id, total_amount, status) ... RETURNING order_id`. */
export function placeOrderRow(user: number, total: number, createdAtMs: number): Record<string, SqlValue> {
  if (!Number.isSafeInteger(user)) throw new Error(`expected a whole number for user, got ${user}`);
  if (!Number.isFinite(total)) throw new Error(`expected a number for total, got ${total}`);
  return { user_id: user, total_amount: total, status: 'PENDING', created_at: new Date(createdAtMs).toISOString() };
}
