/**
 * The cluster's snapshot: plain data copied out of the engine state at one engine moment,
 * cheap to keep, so the UI can render, step back and scrub. It is the page's one way in
 * for data: besides the state it carries the shipments on the links, the newest log
 * entries, a window of recent history and the checker's failover story and downtimes.
 * Reads only: building one changes no engine state (the facade caches it until the clock's
 * next tick), and costs what changed since the last one plus the window, never a scan of
 * the whole history.
 */
import type { SnapshotFrom } from 'xstate';
import type { AppTier, DataKind, SessionStore } from '../app/appTier.ts';
import type { LoadGenerator, LoadOptions } from '../app/loadGenerator.ts';
import type { ReadPolicy, RywStrategy } from '../app/routing.ts';
import type { FailoverDowntime } from '../checker/downtime.ts';
import { type FailoverStory, failoverStoryOf } from '../checker/failoverStory.ts';
import type { PromotionPolicy } from '../failover/candidate.ts';
import type { FailoverTimings, failoverMachine, HealthCheckSettings } from '../failover/failoverMachine.ts';
import type { FailoverOrchestrator, FailoverRecord } from '../failover/orchestrator.ts';
import type { CommitAcks, WaitingCommit } from '../replication/commitAcks.ts';
import type { ReplicationMode } from '../replication/modes.ts';
import type { LogEntry, PrimaryLog } from '../replication/primaryLog.ts';
import type { ReplicaStream, Shipment } from '../replication/replicaStream.ts';
import { type ReplicationStatus, replicationStatus } from '../replication/status.ts';
import type { ShardingSnapshot } from '../sharding/types.ts';
import type { History, Recorded } from '../sim/history.ts';
import type { clusterMachine, NodeStatus, Role } from './clusterMachine.ts';
import type { ClusterSettings } from './settings.ts';

/** The log entries a snapshot carries: the log panel shows the newest 8. */
export const RECENT_LOG_ENTRIES = 10;
/**
 * The queued transactions a snapshot carries per replica: the topology draws the oldest 8
 * and the count. A replica far behind queues thousands (under the default load the
 * analytics replica's queries hold its replay 2.7 s every second, so it replays nothing and
 * had 12,000 queued after 10 minutes), and the page takes a snapshot every frame.
 */
export const QUEUED_SHIPMENTS_SHOWN = 64;
/**
 * How much history a snapshot carries: the events of the last 20 s of engine time (the
 * timeline draws 10 s and keeps finished operations 20 s), at most the newest 20,000 (under
 * the heaviest load, 1,000 writes and 1,000 reads a second on five replicas, a frame at 8x
 * records about 2,500: a reader following it frame by frame still misses nothing).
 */
export const HISTORY_WINDOW_MS = 20_000;
export const HISTORY_WINDOW_MAX = 20_000;

/**
 * The newest events of the history: `events[i].seq === fromSeq + i`. The events are the
 * history's own objects, not copies: it never changes one once recorded.
 */
export interface HistoryWindow {
  fromSeq: number;
  events: readonly Recorded[];
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
  /** The newest log entries (at most RECENT_LOG_ENTRIES), oldest first. */
  recentLog: LogEntry[];
  /**
   * Every transaction on a link, and the oldest QUEUED_SHIPMENTS_SHOWN of those waiting to be
   * replayed, per replica (`replication[].queued` counts them all), with send and arrival
   * times in engine ms: a view places a dot from them and `nowMs`, so pause, step and speed
   * move it exactly.
   */
  shipments: Shipment[];
  historyLength: number;
  /** The recent history (see HISTORY_WINDOW_MS), for the timeline and the narration. */
  history: HistoryWindow;
  /** The checker's failover story (checker/failoverStory.ts). */
  failoverStory: FailoverStory;
  /** Downtime of each failover so far, measured from the history (checker/downtime.ts). */
  downtimes: FailoverDowntime[];
  /** The shards, their placement and the running move; undefined while the cluster is not sharded. */
  sharding?: ShardingSnapshot;
}

/** The engine state a snapshot is copied from, as the cluster facade hands it over. */
export interface SnapshotSource {
  nowMs: number;
  readonly settings: ClusterSettings;
  readonly history: History;
  readonly app: AppTier;
  readonly load: LoadGenerator;
  readonly acks: CommitAcks;
  readonly failover: FailoverOrchestrator;
  readonly partitioned: ReadonlySet<string>;
  /** The nodes' lifecycle machine and the failover machine, as they are now. */
  machine: SnapshotFrom<typeof clusterMachine>;
  failoverMachine: SnapshotFrom<typeof failoverMachine>;
  /** Undefined until the nodes have booted. */
  log: PrimaryLog | undefined;
  nodeNames(): string[];
  replicaNames(): string[];
  stream(node: string): ReplicaStream;
  statusOf(node: string): NodeStatus;
  opsPerSec(node: string): number;
}

export function buildSnapshot(src: SnapshotSource): ClusterSnapshot {
  const machine = src.machine;
  const failoverCtx = src.failoverMachine.context;
  const now = src.nowMs;
  const failover = failoverSnapshot(src, failoverCtx);
  const { story, downtimes } = failoverStoryOf(src.history, failover.failovers);
  return {
    nowMs: now,
    seed: src.settings.seed,
    state: typeof machine.value === 'string' ? machine.value : JSON.stringify(machine.value),
    nodes: src.nodeNames().map((name) => {
      const opsPerSec = src.opsPerSec(name);
      return {
        name,
        ...machine.context.nodes[name],
        opsPerSec,
        utilisation: opsPerSec / src.settings.capacityOpsPerSec,
      };
    }),
    app: appSnapshot(src.app, src.load),
    failover,
    replicationModes: src.acks.modes(),
    waitingCommits: src.acks.waiting(),
    replication: replicationSnapshot(src, now),
    log: {
      headIndex: src.log?.headIndex ?? 0,
      headLsn: src.log?.headLsn ?? 0,
      retainedEntries: src.log?.retainedCount ?? 0,
      retainedBytes: src.log?.retainedBytes ?? 0,
      prunedEntries: src.log?.prunedCount ?? 0,
    },
    recentLog: src.log?.latest(RECENT_LOG_ENTRIES) ?? [],
    shipments: src.replicaNames().flatMap((name) => src.stream(name).shipments(QUEUED_SHIPMENTS_SHOWN)),
    historyLength: src.history.length,
    history: historyWindow(src.history.all(), now - HISTORY_WINDOW_MS),
    failoverStory: story,
    downtimes,
  };
}

/** The events recorded at or after `fromMs` (at most HISTORY_WINDOW_MAX): a binary search on `at`, one slice. */
export function historyWindow(all: readonly Recorded[], fromMs: number): HistoryWindow {
  let lo = Math.max(0, all.length - HISTORY_WINDOW_MAX);
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[mid].at < fromMs) lo = mid + 1;
    else hi = mid;
  }
  // Seqs run consecutively from the first retained event's (0 unless the history is bounded).
  return { fromSeq: (all[0]?.seq ?? 0) + lo, events: all.slice(lo) };
}

function appSnapshot(app: AppTier, load: LoadGenerator): ClusterSnapshot['app'] {
  return {
    servers: app.servers.map((s) => s.name),
    readPolicy: app.policy,
    sessionStore: app.store,
    strategies: { orders: { ...app.strategies.orders }, products: { ...app.strategies.products } },
    load: load.running ? { ...load.running } : null,
  };
}

function failoverSnapshot(
  src: SnapshotSource,
  failoverCtx: SnapshotSource['failoverMachine']['context'],
): ClusterSnapshot['failover'] {
  const f = src.failover;
  return {
    state: JSON.stringify(src.failoverMachine.value).replaceAll('"', ''),
    primary: f.leader,
    endpoint: f.endpoint,
    fencing: f.fencing,
    promotionPolicy: f.promotionPolicy,
    partitioned: [...src.partitioned],
    fenced: [...f.fenced],
    splitBrain: f.splitBrain,
    timeline: src.log?.timeline ?? 1,
    failovers: f.records.map((r) => ({ ...r })),
    auto: failoverCtx.enabled,
    healthCheck: { ...failoverCtx.health },
    timings: { ...failoverCtx.timings },
    maxLagBytes: f.maxLagBytes,
    divergent: Object.fromEntries([...f.divergent].map(([n, list]) => [n, list.flatMap((e) => e.orderIds)])),
  };
}

function replicationSnapshot(src: SnapshotSource, now: number): ReplicationStatus[] {
  const log = src.log;
  if (!log) return [];
  return src.replicaNames().map((name) => {
    const s = src.stream(name);
    const p = s.positions();
    return replicationStatus({
      name,
      status: src.statusOf(name),
      connected: s.connected,
      settings: s.settings,
      positions: p,
      headIndex: log.headIndex,
      oldestUnreplayedAt: log.get(p.replayedIndex + 1)?.committedAt,
      nowMs: now,
    });
  });
}
