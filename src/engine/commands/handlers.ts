/**
 * What each command does, one handler per `do` name, each run as an event on the virtual
 * clock (so commands interleave deterministically with replication). Handlers reach the
 * cluster's state only through `CommandHost`, which the facade builds; the facade's
 * `send` validates and journals a command, then calls its handler here.
 */
import type { AppTier } from '../app/appTier.ts';
import type { LoadGenerator } from '../app/loadGenerator.ts';
import type { ClientOperations, ReadOutcome, WriteOutcome } from '../app/operations.ts';
import { CONNECTION_REFUSED, NOT_YET_ACCEPTING } from '../app/operations.ts';
import type { ClusterMachineEvent, NodeStatus, Role } from '../cluster/clusterMachine.ts';
import { CONSOLE_MAX_ROWS, CONSOLE_MAX_TIMEOUT_S, CONSOLE_TIMEOUT_S } from '../db/consolePolicy.ts';
import { type CapturedTxn, type NodeHandle, type QueryResult, SqlError, type WalRecord } from '../db/types.ts';
import type { FailoverEvent } from '../failover/failoverMachine.ts';
import type { FailoverOrchestrator } from '../failover/orchestrator.ts';
import type { CommitAcks } from '../replication/commitAcks.ts';
import {
  formatStandbyNames,
  parseStandbyNames,
  type ReplicationMode,
  SEMI_SYNC_TIMEOUT_MS,
} from '../replication/modes.ts';
import { type LogEntry, RECENT_ENTRIES_KEPT } from '../replication/primaryLog.ts';
import type { ReplicaStream } from '../replication/replicaStream.ts';
import type { Sharding } from '../sharding/sharding.ts';
import { withLogicalMoved, withShardAdded, withShardRemoved } from '../sharding/strategies.ts';
import {
  MAX_SHARDS as MAX_SHARDS_ALLOWED,
  MIN_SHARDS,
  type ProbeOutcome,
  type ScatterOutcome,
  type ShardMoveSnapshot,
} from '../sharding/types.ts';
import { Later } from '../sim/commandEvent.ts';
import type { History } from '../sim/history.ts';
import type { CommandName, CommandOf } from './schema.ts';

/** What the handlers may use of the cluster (all of it state the facade owns). */
export interface CommandHost {
  readonly history: History;
  readonly app: AppTier;
  readonly load: LoadGenerator;
  readonly acks: CommitAcks;
  readonly ops: ClientOperations;
  readonly failover: FailoverOrchestrator;
  readonly streams: ReadonlyMap<string, ReplicaStream>;
  readonly partitioned: Set<string>;
  /** The router of a sharded cluster (inactive until setSharding). */
  readonly sharding: Sharding;
  /** Runs `work` as an event at the current engine time (see runCommand). */
  command<T>(label: string, work: () => T | Later<T> | Promise<T | Later<T>>): Promise<T>;
  resolve(node: string): string;
  stream(node: string): ReplicaStream;
  db(node: string): NodeHandle;
  statusOf(node: string): NodeStatus;
  roleOf(node: string): Role;
  primaryName(): string;
  log(): { lookup(index: number): LogEntry | undefined };
  sendNodeEvent(event: ClusterMachineEvent): void;
  sendFailoverEvent(event: FailoverEvent): void;
  commit(txns: CapturedTxn[], endLsn: number, node: string): LogEntry[];
  commitCaptured(err: SqlError, node: string): void;
  shipAll(): void;
}

/** What each command resolves with: reads and writes their outcome, SQL its results. */
export interface CommandOutcomes {
  placeOrder: WriteOutcome;
  readOrders: ReadOutcome;
  browse: ReadOutcome;
  analyticsQuery: ReadOutcome;
  sql: SqlOutcome;
  inspectWal: WalRecord[];
  probe: ProbeOutcome;
  scatterQuery: ScatterOutcome;
  addShard: ShardMoveSnapshot;
  removeShard: ShardMoveSnapshot;
  moveShard: ShardMoveSnapshot;
}
export type OutcomeOf<K extends CommandName> = K extends keyof CommandOutcomes ? CommandOutcomes[K] : undefined;

export type Handlers = { [K in CommandName]: (command: CommandOf<K>) => Promise<OutcomeOf<K>> };

const later = <T>(p: Promise<T>) => new Later(p);

/** Drops undefined fields (a partial settings object). */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A setMode command as the replication mode it sets. */
export function modeOf(c: CommandOf<'setMode'>): ReplicationMode {
  if (c.mode === 'async') return { mode: 'async' };
  if (c.mode === 'semi-sync') return { mode: 'semi-sync', timeoutMs: c.timeoutMs ?? SEMI_SYNC_TIMEOUT_MS };
  return { mode: 'sync', level: c.level ?? 'on', standbys: parseStandbyNames(c.standbys ?? 'FIRST 1 (replica-1)') };
}

/** The setMode command that sets `mode` (for one kind of data, or all). */
export function modeCommand(mode: ReplicationMode, kind?: CommandOf<'setMode'>['kind']): CommandOf<'setMode'> {
  const forKind = kind ? { kind } : {};
  if (mode.mode === 'async') return { do: 'setMode', mode: 'async', ...forKind };
  if (mode.mode === 'semi-sync') return { do: 'setMode', mode: 'semi-sync', timeoutMs: mode.timeoutMs, ...forKind };
  return { do: 'setMode', mode: 'sync', level: mode.level, standbys: formatStandbyNames(mode.standbys), ...forKind };
}

export function createHandlers(host: CommandHost): Handlers {
  const { history, app, acks } = host;
  /** A command that changes a replica's link: resolved, changed, recorded. */
  const onLink = (label: string, node: string, change: (s: ReplicaStream) => void) =>
    host.command(label, () => change(host.stream(host.resolve(node))));
  const config = (setting: string, value: string) => history.record({ type: 'config.changed', setting, value });
  return {
    // While sharded, the router sends a user's orders to the user's shard (a named node still gets them directly).
    placeOrder: ({ user, total, node, via }) =>
      host.sharding.active && !node
        ? host.sharding.placeOrder({ user, total, via })
        : host.ops.placeOrder({ user, total, node, via }),
    readOrders: ({ user, node, via }) =>
      host.sharding.active && !node
        ? host.sharding.readOrders({ user, via })
        : host.ops.readOrders({ user, node, via }),
    browse: ({ user, category, node, via }) => host.ops.browse({ user: user ?? 1000, category, node, via }),
    analyticsQuery: () => host.ops.analyticsQuery({}),
    setMode: (c) =>
      host.command('setMode', () => {
        const mode = modeOf(c);
        for (const n of mode.mode === 'sync' ? mode.standbys.names : []) host.stream(n);
        acks.setMode(mode, c.kind);
      }),
    setReadPolicy: ({ policy }) =>
      host.command('setReadPolicy', () => {
        app.policy = policy;
        config('readPolicy', policy);
      }),
    setRywStrategy: ({ strategy, windowMs, timeoutMs, maxLagMs, kind }) =>
      host.command('setRywStrategy', () => {
        const change = { name: strategy, ...defined({ windowMs, timeoutMs, maxLagMs }) };
        for (const k of kind ? [kind] : (['orders', 'products'] as const)) {
          app.strategies[k] = { ...app.strategies[k], ...change };
        }
        config(`rywStrategy${kind ? `.${kind}` : ''}`, strategy);
      }),
    setSessionStore: ({ store }) =>
      host.command('setSessionStore', () => {
        app.store = store;
        config('sessionStore', store);
      }),
    startLoad: ({ writesPerSec, readsPerSec, users }) =>
      host.command('startLoad', () => {
        host.load.start(defined({ writesPerSec, readsPerSec, users }));
        config('load', 'started');
      }),
    stopLoad: () =>
      host.command('stopLoad', () => {
        host.load.stop();
        config('load', 'stopped');
      }),
    setLag: ({ node, ms }) =>
      onLink('setLag', node, (s) => {
        s.settings.lagMs = ms;
        history.record({ type: 'link.changed', node: s.name, lagMs: ms });
      }),
    setApplyDelay: ({ node, ms }) =>
      onLink('setApplyDelay', node, (s) => {
        s.settings.applyDelayMs = ms;
        s.replanApply();
        history.record({ type: 'link.changed', node: s.name, applyDelayMs: ms });
      }),
    setApplyRate: ({ node, perSec }) =>
      onLink('setApplyRate', node, (s) => {
        s.settings.applyRatePerSec = perSec;
        s.replanApply();
        history.record({ type: 'link.changed', node: s.name, applyRatePerSec: perSec });
      }),
    disconnect: ({ node }) =>
      onLink('disconnect', node, (s) => {
        if (!s.connected) return;
        s.connected = false;
        history.record({ type: 'link.changed', node: s.name, connected: false });
        s.dropInFlight('link disconnected');
        acks.recheck();
      }),
    reconnect: ({ node }) =>
      onLink('reconnect', node, (s) => {
        if (s.connected) return;
        s.connected = true;
        history.record({ type: 'link.changed', node: s.name, connected: true });
        host.shipAll();
      }),
    killNode: ({ node }) =>
      host.command('killNode', () => host.sendNodeEvent({ type: 'KILL', node: host.resolve(node) })),
    restartNode: ({ node }) =>
      host.command('restartNode', () => {
        const name = host.resolve(node);
        if (host.statusOf(name) !== 'down') return;
        host.sendNodeEvent({ type: 'RESTART', node: name });
        history.record({ type: 'node.recovering', node: name });
      }),
    sql: ({ node, text }) => host.command('sql', () => runSql(host, node, text)),
    inspectWal: ({ entry }) =>
      host.command('walRecords', () => {
        const found = host.log().lookup(entry);
        if (!found)
          throw new Error(
            `log entry ${entry} is too old to inspect (only the last ${RECENT_ENTRIES_KEPT} pruned entries are kept)`,
          );
        return host.db(found.walNode).walRecords(found.walStartLsn, found.xid);
      }),
    partition: ({ node }) =>
      host.command('partition', () => {
        const name = host.resolve(node);
        if (host.partitioned.has(name)) return;
        host.partitioned.add(name);
        history.record({ type: 'node.partitioned', node: name, partitioned: true });
        if (name === host.failover.leader)
          for (const s of host.streams.values()) s.dropInFlight(`${name} is partitioned`);
        else host.streams.get(name)?.dropInFlight(`${name} is partitioned`);
        acks.recheck();
      }),
    heal: ({ node }) =>
      host.command('heal', () => {
        for (const name of node ? [host.resolve(node)] : [...host.partitioned]) {
          if (!host.partitioned.delete(name)) continue;
          history.record({ type: 'node.partitioned', node: name, partitioned: false });
        }
        host.shipAll();
      }),
    setFencing: ({ on }) =>
      host.command('setFencing', () => {
        host.failover.setFencing(on);
        config('fencing', on ? 'on' : 'off');
      }),
    setHealthCheck: ({ intervalMs, timeoutMs, retries }) =>
      host.command('setHealthCheck', () => {
        const health = defined({ intervalMs, timeoutMs, retries });
        host.sendFailoverEvent({ type: 'SET_HEALTH_CHECK', health });
        config('healthCheck', JSON.stringify(health));
      }),
    setFailoverTimings: ({ electMs, promoteMs, repointMs, endpointMs }) =>
      host.command('setFailoverTimings', () => {
        const timings = defined({ electMs, promoteMs, repointMs, endpointMs });
        host.sendFailoverEvent({ type: 'SET_TIMINGS', timings });
        config('failoverTimings', JSON.stringify(timings));
      }),
    setAutoFailover: ({ on }) =>
      host.command('setAutoFailover', () => {
        host.sendFailoverEvent({ type: 'SET_ENABLED', enabled: on });
        config('autoFailover', on ? 'on' : 'off');
      }),
    setPromotionPolicy: ({ policy, maxLagBytes }) =>
      host.command('setPromotionPolicy', () => {
        host.failover.setPromotionPolicy(policy, maxLagBytes);
        config('promotionPolicy', policy);
      }),
    ...shardingHandlers(host),
  } as Handlers;
}

/** The sharding commands (sharding/): set up, reshard live, probe a key, scatter a query. */
function shardingHandlers(
  host: CommandHost,
): Pick<
  Handlers,
  'setSharding' | 'addShard' | 'removeShard' | 'moveShard' | 'probe' | 'scatterQuery' | 'killShard' | 'restartShard'
> {
  const { sharding } = host;
  const options = () => ({ users: sharding.host.settings.users });
  const placement = () => {
    if (!sharding.placement) throw new Error('the cluster is not sharded: send setSharding first');
    return sharding.placement;
  };
  const noMove = () => {
    const running = sharding.mover.current();
    if (running) throw new Error(`move ${running.id} is still running (${running.phase})`);
  };
  const ready = () => {
    noMove();
    const down = sharding.shards.downShards();
    if (down.length > 0)
      throw new Error(`${down.join(', ')} is down: restart it first (a move copies from and to live databases)`);
    return placement();
  };
  return {
    setSharding: (c) => host.command('setSharding', () => sharding.configure(c).then(() => undefined)),
    addShard: () =>
      host.command('addShard', async () => {
        const before = ready();
        if (before.shards.length >= MAX_SHARDS_ALLOWED) throw new Error(`at most ${MAX_SHARDS_ALLOWED} shards`);
        const name = await sharding.bootShard('new');
        return later(sharding.mover.start('add', withShardAdded(before, name, options())));
      }),
    removeShard: ({ shard }) =>
      host.command('removeShard', () => {
        const before = ready();
        if (before.shards.length <= MIN_SHARDS)
          throw new Error(`a sharded cluster keeps at least ${MIN_SHARDS} shards`);
        const after = withShardRemoved(before, shard, options());
        sharding.shards.setState(shard, 'leaving');
        return later(sharding.mover.start('remove', after));
      }),
    moveShard: ({ logicalShard, to }) =>
      host.command('moveShard', () => later(sharding.mover.start('move', withLogicalMoved(ready(), logicalShard, to)))),
    probe: (c) => host.command('probe', () => sharding.probe(c)),
    scatterQuery: ({ query }) => host.command('scatterQuery', () => sharding.scatter(query)),
    killShard: ({ shard }) =>
      host.command('killShard', () => {
        noMove();
        sharding.kill(shard);
        return undefined;
      }),
    restartShard: ({ shard }) =>
      host.command('restartShard', () => {
        sharding.restart(shard);
        return undefined;
      }),
  };
}

/** What a console run answered: one result per statement, and whether it ended inside a transaction it opened. */
export interface SqlOutcome {
  results: QueryResult[];
  /** The run left a transaction open: it was rolled back, as when a session ends. */
  rolledBack: boolean;
}

/** The console's limits (consolePolicy.ts). */
const CONSOLE_LIMITS = { maxRows: CONSOLE_MAX_ROWS, timeoutS: CONSOLE_TIMEOUT_S, maxTimeoutS: CONSOLE_MAX_TIMEOUT_S };

/**
 * SQL typed into a node's console, run as one session that ends with the run
 * (NodeHandle.console). On the primary what it commits is captured and replicated, DDL
 * included; a replica answers as a hot standby. Errors are PostgreSQL's, as SqlError.
 */
async function runSql(host: CommandHost, node: string, text: string): Promise<SqlOutcome> {
  const name = host.resolve(node);
  const status = host.statusOf(name);
  if (status === 'recovering') throw new SqlError({ ...NOT_YET_ACCEPTING });
  if (status !== 'up') throw new SqlError({ message: CONNECTION_REFUSED, severity: 'FATAL' });
  await host.streams.get(name)?.writeReplayed();
  try {
    const result = await host.db(name).console(text, CONSOLE_LIMITS);
    if (result.txns.length > 0) host.commit(result.txns, result.endLsn, name);
    return { results: result.results, rolledBack: result.rolledBack };
  } catch (err) {
    if (err instanceof SqlError) host.commitCaptured(err, name);
    throw err;
  }
}
