/**
 * The simulation facade: one primary and its read replicas, each a real PGlite database,
 * driven on one virtual clock. It owns all engine state and offers one door for commands
 * (`send`, commands as data: commands/schema.ts), `getSnapshot()` and `subscribe()`. The
 * page, the scenario runner and the tests all go through it; none of them touches a node
 * or the clock's queue directly. Commands run as clock events, so they interleave
 * deterministically with replication, and every command sent from outside is journaled,
 * so a run can be replayed exactly (the page's step back) or saved as a scenario. The
 * work lives beside it: replication bookkeeping in replicationState.ts, client operations
 * in app/operations.ts, failover in failover/, command handlers in commands/handlers.ts,
 * snapshots in snapshot.ts.
 */
import { type Actor, createActor, fromPromise, waitFor } from 'xstate';
import { AppTier } from '../app/appTier.ts';
import { LoadGenerator } from '../app/loadGenerator.ts';
import { ClientOperations } from '../app/operations.ts';
import { createHandlers, type Handlers, type OutcomeOf } from '../commands/handlers.ts';
import type { Command, CommandName, CommandOf } from '../commands/schema.ts';
import { CommandError, parseCommand, settingsProblems } from '../commands/validate.ts';
import { shopUsersSql } from '../db/schema.ts';
import type { NodeHandle, NodeRole } from '../db/types.ts';
import { createFailoverActor, type FailoverActor } from '../failover/failoverActor.ts';
import { FailoverOrchestrator } from '../failover/orchestrator.ts';
import { CommitAcks } from '../replication/commitAcks.ts';
import type { LogEntry } from '../replication/primaryLog.ts';
import type { Shipment } from '../replication/replicaStream.ts';
import { Sharding } from '../sharding/sharding.ts';
import { VirtualClock } from '../sim/clock.ts';
import { runCommand } from '../sim/commandEvent.ts';
import { History } from '../sim/history.ts';
import { SeededRandom } from '../sim/random.ts';
import { clusterMachine, type NodeLifecycle, type NodeStatus, type Role } from './clusterMachine.ts';
import { Journal, type JournalEntry, resend } from './journal.ts';
import { type NodeEventsContext, nodeCameUp, nodeWentDown } from './nodeEvents.ts';
import { ReplicationState } from './replicationState.ts';
import {
  type ClusterSettings,
  CURRENT_PRIMARY,
  PRIMARY,
  replicaName,
  resolveSettings,
  type SettingsInput,
  SNAPSHOT_USERS,
  STANDBY,
} from './settings.ts';
import { buildSnapshot, type ClusterSnapshot } from './snapshot.ts';

export type { BrowseArgs, PlaceOrderArgs, ReadOrdersArgs, ReadOutcome, WriteOutcome } from '../app/operations.ts';
export { CONNECTION_REFUSED, EPOCH_MS, OPTIMISTIC_MESSAGE, placeOrderRow } from '../app/operations.ts';
export type { FailoverRecord } from '../failover/orchestrator.ts';
export { SEQUENCE_AFTER_PROMOTION_SQL } from '../failover/orchestrator.ts';
export type { ClusterSnapshot, NodeSnapshot } from './snapshot.ts';
export type { Command, CommandName, CommandOf, OutcomeOf };

/** Boots one node's database; in Node an in-process PGlite, in the browser a worker. */
export type NodeFactory = (name: string, role: NodeRole) => Promise<NodeHandle>;

export type { JournalEntry } from './journal.ts';

type Tables = Record<string, Record<string, unknown>[]>;

export class Cluster {
  readonly clock = new VirtualClock();
  readonly history = new History(() => this.clock.now());
  readonly random: SeededRandom;
  readonly settings: ClusterSettings;
  /** The app servers, their sessions and routing configuration (read/write splitting). */
  readonly app: AppTier;
  readonly load: LoadGenerator;
  /** Replication modes and the commits waiting for standbys' acknowledgement. */
  readonly acks: CommitAcks;
  /** The router of a sharded cluster; inactive (and silent) until setSharding. */
  readonly sharding: Sharding;
  private readonly actor: Actor<typeof clusterMachine>;
  /** Databases, the primary's log, replica streams, partitions. */
  private readonly repl: ReplicationState;
  /** Who is primary, where writes go, and the effects of a failover (promote, repoint, rejoin). */
  private readonly failover: FailoverOrchestrator;
  private readonly failoverActor: FailoverActor;
  /** Placing orders and routed reads, numbered as operations. */
  private readonly ops: ClientOperations;
  /** What each command does (commands/handlers.ts). */
  private readonly handlers: Handlers;
  /** Every command sent from outside, with the moment it was sent: a run can be replayed from it. */
  private readonly journal = new Journal(this.clock);
  /** The settings this cluster was booted with (for replay). */
  private bootInput: SettingsInput = {};
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
        nodeWentDown: (_, { node }) => nodeWentDown(this.nodeEvents(), node),
        nodeCameUp: (_, { node }) => nodeCameUp(this.nodeEvents(), node),
      },
    });
    this.actor = createActor(machine, { clock: this.clock, input: { nodes, restartMs: settings.restartMs } });
    this.clock.onTick(() => this.changed());
    const { clock, history, random } = this;
    const statusOf = (node: string) => this.statusOf(node);
    const repl = new ReplicationState({
      clock,
      history,
      random,
      settings,
      statusOf,
      leader: () => this.failover.leader,
      recordDivergent: (txns, node) => this.failover.recordDivergent(txns, node),
    });
    this.repl = repl;
    this.app = new AppTier(settings.appServers);
    this.sharding = new Sharding({
      clock,
      history,
      settings,
      bootNode: async (name) => {
        const db = await this.factory(name, 'primary');
        if (settings.users !== SNAPSHOT_USERS) await db.exec(shopUsersSql(settings.users));
        return db;
      },
      catalogue: () => repl.db(this.primaryName()),
    });
    const sharding = this.sharding;
    this.load = new LoadGenerator(clock, random, {
      placeOrder: (user, total) =>
        void (sharding.active ? sharding : this.ops).placeOrder({ user, total, client: 'load' }),
      readOrders: (user) => void (sharding.active ? sharding : this.ops).readOrders({ user, client: 'load' }),
      browse: (user, category) => void this.ops.browse({ user, category, client: 'load' }),
      analyticsQuery: (user) => void this.ops.analyticsQuery({ user, client: 'load' }),
    });
    this.acks = new CommitAcks({
      clock,
      history,
      standbys: () =>
        repl.replicaNames().map((name) => ({
          name,
          streaming: repl.canStream(name),
          returnMs: repl.stream(name).settings.lagMs,
        })),
      headIndex: () => repl.log?.headIndex ?? 0,
    });
    const { acks, app } = this;
    const { streams, partitioned } = repl;
    // What the orchestrator, the operations and the handlers share: each takes what its host interface names.
    const core = {
      ...{ clock, history, settings, random, acks, app, streams, partitioned, statusOf },
      db: (node: string) => repl.db(node),
      stream: (node: string) => repl.stream(node),
      shipAll: () => repl.shipAll(),
      commit: repl.commit.bind(repl),
      commitCaptured: repl.commitCaptured.bind(repl),
      resolve: (node: string) => this.resolve(node),
      primaryName: () => this.primaryName(),
      log: () => repl.log,
      sendNodeEvent: (event: Parameters<typeof this.actor.send>[0]) => this.actor.send(event),
    };
    this.failover = new FailoverOrchestrator({
      ...core,
      setLog: (log) => {
        repl.log = log;
      },
      isPartitioned: (node) => partitioned.has(node),
      replicaNames: () => repl.replicaNames(),
      makeStream: (name, s, startLsn, startIndex) => repl.makeStream(name, s, startLsn, startIndex),
      currentWalLsn: (node) => repl.currentWalLsn(node),
    });
    const failover = this.failover;
    this.ops = new ClientOperations({
      ...core,
      failover,
      readReplicaNames: () => this.readReplicaNames(),
      countOp: (node) => repl.countOp(node),
      behindMsOf: (node) => repl.behindMsOf(node),
      replayLsnOf: (node) => repl.replayLsnOf(node),
      positionOf: (node) => failover.positionOf(node),
    });
    this.failoverActor = createFailoverActor(clock, failover, settings);
    this.handlers = createHandlers({
      ...core,
      failover,
      sharding,
      load: this.load,
      ops: this.ops,
      command: (label, work) => runCommand(clock, label, work),
      roleOf: (node) => this.roleOf(node),
      sendFailoverEvent: (event) => this.failoverActor.send(event),
    });
    history.onRecord((e) => {
      if (e.type === 'repl.received') acks.feedback(e.node, 'received', e.entry);
      if (e.type !== 'repl.applied') return;
      acks.feedback(e.node, 'replayed', e.entry);
      repl.countOp(e.node);
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
    const { settings } = this;
    await this.repl.boot(
      this.nodeNames().map((n) => [n, n === PRIMARY ? 'primary' : 'replica']),
      this.factory,
      [
        ...(settings.standby ? [{ name: STANDBY, settings: settings.standbySettings }] : []),
        ...settings.replicaSettings.map((rs, i) => ({ name: replicaName(i), settings: rs })),
      ],
    );
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
    return this.repl.replicaNames();
  }

  /** Resolves `current-primary` and checks the name exists. */
  resolve(node: string): string {
    const name = node === CURRENT_PRIMARY ? this.primaryName() : node;
    if (!this.repl.dbs.has(name)) throw new Error(`no node named "${node}" (nodes: ${this.nodeNames().join(', ')})`);
    return name;
  }

  /** The node that is primary now: the one replicas follow ("current-primary"). */
  primaryName(): string {
    return this.failover.leader;
  }

  statusOf(node: string): NodeStatus {
    return this.actor.getSnapshot().context.nodes[node]?.status ?? 'down';
  }

  roleOf(node: string): Role {
    return this.actor.getSnapshot().context.nodes[node]?.role ?? 'replica';
  }

  private nodeEvents(): NodeEventsContext {
    const { clock, history, acks, repl, failover } = this;
    return { clock, history, acks, repl, failover };
  }

  // ---- commands: data, sent through one door --------------------------------------------

  /**
   * Sends a command (see commands/schema.ts): validates it, journals it (unless sent
   * unjournaled), and runs its handler as a clock event. Resolves with its outcome once
   * engine time reaches it (a write's acknowledgement, a read's rows); an invalid command
   * is rejected with a CommandError naming every problem and changes nothing.
   */
  send<C extends Command>(command: C): Promise<OutcomeOf<C['do']>> {
    let checked: Command;
    try {
      checked = parseCommand(command);
      const problems = settingsProblems(checked, this.settings.users);
      if (problems.length) throw new CommandError(problems.map((p) => `${checked.do}: ${p}`));
    } catch (err) {
      return Promise.reject(err);
    }
    this.journal.note(checked);
    const handler = this.handlers[checked.do] as (c: Command) => Promise<OutcomeOf<C['do']>>;
    return handler(checked);
  }

  /**
   * Sends commands without journaling them: a scenario's steps, which the scenario itself
   * re-schedules when the run is replayed (see replay's `prepare`).
   */
  unjournaled<T>(send: () => T): T {
    return this.journal.unjournaled(send);
  }

  /** The commands sent so far, each with the moment it was sent. */
  journalCopy(): JournalEntry[] {
    return this.journal.copy();
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
      await resend(cluster, journal, untilMs);
    } catch (err) {
      await cluster.close().catch(() => undefined);
      throw err;
    }
    return cluster;
  }

  // ---- observing the data (outside the journal: they change nothing) ------------------------

  /** Every replicated table of a node, rows ordered by key, as a clock event. */
  dumpTables(node: string): Promise<Tables> {
    return runCommand(this.clock, 'dumpTables', () => this.repl.dumpTablesNow(this.resolve(node)));
  }

  /** Every replicated table of `node` now, outside the clock (for checks after a run). */
  dumpTablesNow(node: string): Promise<Tables> {
    return this.repl.dumpTablesNow(node);
  }

  /** Runs the clock until every connected, live replica has replayed the whole log. */
  drain(limitMs = 600_000): Promise<boolean> {
    return this.repl.drain(limitMs);
  }

  /** Whether every replica's tables equal the primary's, row for row. */
  converged(): Promise<{ converged: boolean; differing: string[] }> {
    return this.repl.converged(this.primaryName());
  }

  /** Operations (client reads and writes, replayed transactions) on `node` in the last second. */
  opsPerSec(node: string): number {
    return this.repl.opsPerSec(node);
  }

  /** Engine ms since the oldest transaction `node` has not replayed committed (0 for the primary). */
  behindMsOf(node: string): number {
    return this.repl.behindMsOf(node);
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
    const repl = this.repl;
    this.cachedSnapshot = buildSnapshot({
      nowMs: this.clock.now(),
      settings: this.settings,
      history: this.history,
      app: this.app,
      load: this.load,
      acks: this.acks,
      failover: this.failover,
      partitioned: repl.partitioned,
      machine: this.actor.getSnapshot(),
      failoverMachine: this.failoverActor.getSnapshot(),
      log: repl.log,
      nodeNames: () => this.nodeNames(),
      replicaNames: () => repl.replicaNames(),
      stream: (node) => repl.stream(node),
      statusOf: (node) => this.statusOf(node),
      opsPerSec: (node) => repl.opsPerSec(node),
    });
    const sharding = this.sharding.snapshot();
    if (sharding) this.cachedSnapshot.sharding = sharding;
    return this.cachedSnapshot;
  }

  /**
   * Every transaction on a link or waiting to be replayed, per replica, with its send and
   * arrival times in engine ms: a view computes a dot's position from them and `nowMs`,
   * so pause, step and speed move it exactly.
   */
  shipments(): Shipment[] {
    return this.repl.shipments();
  }

  /** The newest `count` log entries, oldest first (the UI's log view). */
  recentLog(count: number): LogEntry[] {
    return this.repl.log.latest(count);
  }

  async close(): Promise<void> {
    this.load.stop();
    this.failoverActor.stop();
    this.actor.stop();
    await Promise.all([...this.repl.dbs.values()].map((db) => db.close().catch(() => undefined)));
    await this.sharding.close();
  }
}
