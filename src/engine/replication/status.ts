/**
 * A replica's row in a `pg_stat_replication`-style view: sent, write, flush and replay
 * positions, the last measured write/flush/replay lags (as PostgreSQL reports them), and
 * how far behind the replica is right now, in ms and in transactions; and the view's
 * `sync_state` column under a replication mode. Pure.
 */
import type { NodeStatus } from '../cluster/clusterMachine.ts';
import type { ReplicaSettings } from '../cluster/settings.ts';
import { formatLsn } from '../db/lsn.ts';
import type { ReplicationMode } from './modes.ts';
import type { StreamPositions } from './replicaStream.ts';

export interface ReplicationStatus {
  name: string;
  status: NodeStatus;
  connected: boolean;
  /** PostgreSQL's `state` column: streaming, or what stops it. */
  state: 'streaming' | 'disconnected' | 'down';
  lagMs: number;
  jitterMs: number;
  applyDelayMs: number;
  applyRatePerSec: number;
  sent_lsn: string;
  write_lsn: string;
  flush_lsn: string;
  replay_lsn: string;
  replayLsn: number;
  write_lag: number | null;
  flush_lag: number | null;
  replay_lag: number | null;
  /** Engine ms since the oldest transaction this replica has not replayed committed (0 when caught up). */
  behindMs: number;
  /** Transactions committed on the primary and not yet replayed here. */
  behindEntries: number;
  inFlight: number;
  queued: number;
}

export function replicationStatus(args: {
  name: string;
  status: NodeStatus;
  connected: boolean;
  settings: ReplicaSettings;
  positions: StreamPositions;
  headIndex: number;
  oldestUnreplayedAt: number | undefined;
  nowMs: number;
}): ReplicationStatus {
  const { positions: p, settings: s } = args;
  return {
    name: args.name,
    status: args.status,
    connected: args.connected,
    state: args.status !== 'up' ? 'down' : args.connected ? 'streaming' : 'disconnected',
    lagMs: s.lagMs,
    jitterMs: s.jitterMs,
    applyDelayMs: s.applyDelayMs,
    applyRatePerSec: s.applyRatePerSec,
    sent_lsn: formatLsn(p.sentLsn),
    write_lsn: formatLsn(p.writeLsn),
    flush_lsn: formatLsn(p.flushLsn),
    replay_lsn: formatLsn(p.replayLsn),
    replayLsn: p.replayLsn,
    write_lag: p.writeLagMs,
    flush_lag: p.flushLagMs,
    replay_lag: p.replayLagMs,
    behindMs: args.oldestUnreplayedAt === undefined ? 0 : Math.max(0, args.nowMs - args.oldestUnreplayedAt),
    behindEntries: args.headIndex - p.replayedIndex,
    inFlight: p.inFlight,
    queued: p.queued,
  };
}

/** `pg_stat_replication.sync_state`. */
export type SyncState = 'async' | 'potential' | 'sync' | 'quorum';

/**
 * Each connected standby's `sync_state` under `mode`, by PostgreSQL's rules: with
 * `FIRST n (...)` the first n listed standbys that are connected, in list order, are
 * `sync` and the other listed ones `potential`; with `ANY n (...)` every listed one is
 * `quorum`; a standby not listed (or any standby under async) is `async`. MySQL's
 * semi-sync has no such column: its replicas show as `async`.
 */
export function syncStates(connected: readonly string[], mode: ReplicationMode): Record<string, SyncState> {
  const states: Record<string, SyncState> = Object.fromEntries(connected.map((n) => [n, 'async' as SyncState]));
  if (mode.mode !== 'sync') return states;
  const listed = mode.standbys.names.filter((n) => n in states);
  listed.forEach((n, i) => {
    states[n] = mode.standbys.method === 'ANY' ? 'quorum' : i < mode.standbys.num ? 'sync' : 'potential';
  });
  return states;
}
