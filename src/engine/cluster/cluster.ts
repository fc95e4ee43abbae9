/**
 * The simulation facade: one primary and its read replicas, each a real PGlite database,
 * driven on one virtual clock. It owns all engine state and offers commands (place an
 * order, read orders, change a link, kill a node...), `getSnapshot()` and `subscribe()`.
 * The UI, the scenario runner and the tests all go through it; none of them touches a
 * node or the clock's queue directly. Commands run as clock events, so they interleave
 * deterministically with replication. The work behind some commands lives beside it:
 * client operations in app/operations.ts, failover orchestration in
 * failover/orchestrator.ts, snapshot building in snapshot.ts; the journal, replay,
 * replication bookkeeping and the remaining commands stay here.
 */
import { type Actor, createActor, fromPromise, waitFor } from 'xstate';
import { AppTier, type DataKind, type SessionStore } from '../app/appTier.ts';
import { LoadGenerator, type LoadOptions } from '../app/loadGenerator.ts';
import {
  type BrowseArgs,
  ClientOperations,
  CONNECTION_REFUSED,
  type OperationsHost,
  type PlaceOrderArgs,
  type ReadOrdersArgs,
  type ReadOutcome,
  type WriteOutcome,
} from '../app/operations.ts';
import type { ReadPolicy, RywStrategy } from '../app/routing.ts';
import { parseLsn } from '../db/lsn.ts';
import {
  type CapturedTxn,
  type NodeHandle,
  type NodeRole,
  type QueryResult,
  SqlError,
  type WalRecord,
} from '../db/types.ts';
import type { PromotionPolicy } from '../failover/candidate.ts';
import { type FailoverTimings, failoverMachine, type HealthCheckSettings } from '../failover/failoverMachine.ts';
import { type FailoverHost, FailoverOrchestrator } from '../failover/orchestrator.ts';
import { CommitAcks } from '../replication/commitAcks.ts';
import type { ReplicationMode } from '../replication/modes.ts';
import { type LogEntry, PrimaryLog, RECENT_ENTRIES_KEPT } from '../replication/primaryLog.ts';
import { ReplicaStream, type Shipment } from '../replication/replicaStream.ts';
import { VirtualClock } from '../sim/clock.ts';
import { type Later, runCommand } from '../sim/commandEvent.ts';
import { History } from '../sim/history.ts';
import { SeededRandom } from '../sim/random.ts';
import { clusterMachine, type NodeLifecycle, type NodeStatus, type Role } from './clusterMachine.ts';
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
import { buildSnapshot, type ClusterSnapshot } from './snapshot.ts';

export type { BrowseArgs, PlaceOrderArgs, ReadOrdersArgs, ReadOutcome, WriteOutcome } from '../app/operations.ts';
export { CONNECTION_REFUSED, EPOCH_MS, OPTIMISTIC_MESSAGE, placeOrderRow } from '../app/operations.ts';
export type { FailoverRecord } from '../failover/orchestrator.ts';
export { SEQUENCE_AFTER_PROMOTION_SQL } from '../failover/orchestrator.ts';
export type { ClusterSnapshot, NodeSnapshot } from './snapshot.ts';

/** Boots one node's database; in Node an in-process PGlite, in the browser a worker. */
export type NodeFactory = (name: string, role: NodeRole) => Promise<NodeHandle>;

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

export class Cluster {
  readonly clock = new VirtualClock();
  readonly history = new History(() => this.clock.now());
  readonly random: SeededRandom;
  readonly settings: ClusterSettings;
  private readonly actor: Actor<typeof clusterMachine>;
  private readonly dbs = new Map<string, NodeHandle>();
  private readonly streams = new Map<string, ReplicaStream>();
  private log!: PrimaryLog;
  /** Every command sent from outside, with the moment it was sent: a run can be replayed from it. */
  private readonly journalEntries: JournalEntry[] = [];
  /** Commands sent by the engine itself (the load generator) are not journaled: replay regenerates them. */
  private internalDepth = 0;
  /** The settings this cluster was booted with (for replay). */
  private bootInput: SettingsInput = {};
  /** The app servers, their sessions and routing configuration (issue: read/write splitting). */
  readonly app: AppTier;
  readonly load: LoadGenerator;
  private readonly partitioned = new Set<string>();
  /** Who is primary, where writes go, and the effects of a failover (promote, repoint, rejoin). */
  private readonly failover: FailoverOrchestrator;
  /** Placing orders and routed reads, numbered as operations. */
  private readonly ops: ClientOperations;
  private readonly failoverActor: Actor<typeof failoverMachine>;
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
    this.failover = new FailoverOrchestrator(this.failoverHost());
    this.ops = new ClientOperations(this.operationsHost());
    this.failoverActor = createActor(failoverMachine, {
      clock: this.clock,
      input: { health: settings.healthCheck, timings: settings.failoverTimings, hooks: this.failover.hooks() },
    });
    this.history.onRecord((e) => {
      if (e.type === 'repl.received') this.acks.feedback(e.node, 'received', e.entry);
      if (e.type !== 'repl.applied') return;
      this.acks.feedback(e.node, 'replayed', e.entry);
      this.countOp(e.node);
      this.ops.wakeReplayWaiters(e.node, e.lsn);
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
    if (!snap.matches('running')) {
      const cause = snap.context.bootError ?? snap.error;
      const why = cause instanceof Error ? cause.message : String(cause ?? 'unknown error');
      throw new Error(`cluster failed to boot: ${why}`, { cause });
    }
    if (cluster.settings.standby) {
      // Multi-AZ: every commit waits for the standby in the other zone.
      cluster.acks.setMode({ mode: 'sync', level: 'on', standbys: { method: 'FIRST', num: 1, names: [STANDBY] } });
    }
    return cluster;
  }

  private async bootNodes(): Promise<void> {
    const names = this.nodeNames();
    const booted = await Promise.allSettled(names.map((n) => this.factory(n, n === PRIMARY ? 'primary' : 'replica')));
    const failed = booted.find((b) => b.status === 'rejected');
    if (failed) {
      // Close the nodes that did boot (workers, WASM memory) before reporting the failure.
      await Promise.allSettled(booted.map((b) => (b.status === 'fulfilled' ? b.value.close() : undefined)));
      throw failed.reason;
    }
    names.forEach((n, i) => {
      this.dbs.set(n, (booted[i] as PromiseFulfilledResult<NodeHandle>).value);
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

  /** What the failover orchestrator may use of the cluster's state. */
  private failoverHost(): FailoverHost {
    return {
      clock: this.clock,
      history: this.history,
      settings: this.settings,
      acks: this.acks,
      streams: this.streams,
      log: () => this.log,
      setLog: (log) => {
        this.log = log;
      },
      statusOf: (node) => this.statusOf(node),
      isPartitioned: (node) => this.partitioned.has(node),
      sendNodeEvent: (event) => this.actor.send(event),
      db: (node) => this.db(node),
      stream: (node) => this.stream(node),
      replicaNames: () => this.replicaNames(),
      makeStream: (name, settings, startLsn, startIndex) => this.makeStream(name, settings, startLsn, startIndex),
      currentWalLsn: (node) => this.currentWalLsn(node),
      shipAll: () => this.shipAll(),
    };
  }

  /** What the client operations may use of the cluster's state. */
  private operationsHost(): OperationsHost {
    return {
      clock: this.clock,
      history: this.history,
      settings: this.settings,
      random: this.random,
      app: this.app,
      acks: this.acks,
      streams: this.streams,
      failover: this.failover,
      resolve: (node) => this.resolve(node),
      primaryName: () => this.primaryName(),
      readReplicaNames: () => this.readReplicaNames(),
      statusOf: (node) => this.statusOf(node),
      db: (node) => this.db(node),
      commit: (txns, endLsn, node) => this.commit(txns, endLsn, node),
      commitCaptured: (err, node) => this.commitCaptured(err, node),
      countOp: (node) => this.countOp(node),
      behindMsOf: (node) => this.behindMsOf(node),
      replayLsnOf: (node) => this.replayLsnOf(node),
    };
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
    return this.failover.leader;
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
      if (this.failover.fenced.has(node)) void this.clock.track(this.failover.rejoin(node));
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
    try {
      prepare?.(cluster);
      await Cluster.resend(cluster, journal, untilMs);
    } catch (err) {
      await cluster.close().catch(() => undefined);
      throw err;
    }
    return cluster;
  }

  /** Sends the journal's commands up to `untilMs` at their moments, then runs the clock to it. */
  private static async resend(cluster: Cluster, journal: JournalEntry[], untilMs: number): Promise<void> {
    for (const entry of journal) {
      if (entry.at > untilMs) break;
      await cluster.clock.runWhile(() => cluster.clock.processed < entry.processed, entry.at);
      if (entry.at > cluster.clock.now()) await cluster.clock.runUntil(entry.at);
      const send = cluster[entry.name] as (...args: unknown[]) => Promise<unknown>;
      void send.apply(cluster, entry.args).catch(() => undefined);
    }
    await cluster.clock.runUntil(untilMs);
  }

  /** Runs `work` as an event at the current engine time (see runCommand). */
  private command<T>(label: string, work: () => T | Later<T> | Promise<T | Later<T>>): Promise<T> {
    return runCommand(this.clock, label, work);
  }

  /**
   * Places an order as `user` (the seed's createOrder: one INSERT into orders). Sent to
   * `node` directly when given (as a client that reaches that node would), otherwise
   * through an app server (`via`, or the load balancer's pick) to the current primary.
   */
  placeOrder(args: PlaceOrderArgs): Promise<WriteOutcome> {
    this.journal('placeOrder', [args]);
    return this.ops.placeOrder(args);
  }

  /** "My orders": a user's order ids, from `node`, or as the app tier routes the read. */
  readOrders(args: ReadOrdersArgs): Promise<ReadOutcome> {
    this.journal('readOrders', [args]);
    return this.ops.readOrders(args);
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
  browse(args: BrowseArgs): Promise<ReadOutcome> {
    this.journal('browse', [args]);
    return this.ops.browse(args);
  }

  /**
   * The seed's getTopSellingProducts on its dedicated analytics replica (the last replica):
   * a heavy query that keeps that replica busy, so its replay falls behind.
   */
  analyticsQuery(args: { user?: number; client?: string } = {}): Promise<ReadOutcome> {
    this.journal('analyticsQuery', [args]);
    return this.ops.analyticsQuery(args);
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
    // A primary the replicas no longer follow (partitioned or unfenced old primary):
    // what it commits goes nowhere. Kept to show the two histories side by side.
    if (node !== this.failover.leader) return this.failover.recordDivergent(txns, node);
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
      if (name === this.failover.leader)
        for (const s of this.streams.values()) s.dropInFlight(`${name} is partitioned`);
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
      this.failover.setFencing(on);
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
      this.failover.setPromotionPolicy(policy, maxLagBytes);
      this.history.record({ type: 'config.changed', setting: 'promotionPolicy', value: policy });
    });
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
    this.cachedSnapshot = buildSnapshot({
      nowMs: this.clock.now(),
      settings: this.settings,
      history: this.history,
      app: this.app,
      load: this.load,
      acks: this.acks,
      failover: this.failover,
      partitioned: this.partitioned,
      machine: this.actor.getSnapshot(),
      failoverMachine: this.failoverActor.getSnapshot(),
      log: this.log,
      nodeNames: () => this.nodeNames(),
      replicaNames: () => this.replicaNames(),
      stream: (node) => this.stream(node),
      statusOf: (node) => this.statusOf(node),
      opsPerSec: (node) => this.opsPerSec(node),
    });
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
