/**
 * Cluster settings with their defaults and units. Defaults follow the seed document
 * (replicas 100-500 ms behind) and PostgreSQL where the seed is silent.
 */

export interface ReplicaSettings {
  /** One-way network delay of the primary-to-replica link, 0-10,000 ms. */
  lagMs: number;
  /** Each shipment's delay varies by up to +/- this much (seeded PRNG). */
  jitterMs: number;
  /** Like PostgreSQL's recovery_min_apply_delay: apply no sooner than commit time + this. */
  applyDelayMs: number;
  /** Transactions the replica can replay per second; a busy replica falls behind. */
  applyRatePerSec: number;
}

import type { FailoverTimings, HealthCheckSettings } from '../failover/failoverMachine.ts';

export interface ClusterSettings {
  /** Seed for every random choice (jitter); the same seed and steps give the same history. */
  seed: number;
  /** Number of read replicas, 1-5 (the seed has 3). */
  replicas: number;
  /** The shop's customers: user ids FIRST_USER .. FIRST_USER + users - 1 (the snapshot has 20). */
  users: number;
  /** Per replica, in order replica-1, replica-2, ... */
  replicaSettings: ReplicaSettings[];
  /** Time from a client's write reaching the primary to its acknowledgement (local commit). */
  commitMs: number;
  /** Time a read takes to return its rows to the client. */
  readMs: number;
  /** Crash recovery time of a restarted node before it serves again. */
  restartMs: number;
  /** A replica writes replayed transactions to its database in batches of at most this many. */
  applyBatchMax: number;
  /** The primary runs CHECKPOINT after this many writes (PGlite never checkpoints by itself). */
  checkpointEveryWrites: number;
  /** App servers behind the load balancer (the seed has 3). */
  appServers: number;
  /** How long one analytics query keeps its replica from replaying. */
  analyticsCostMs: number;
  /** Operations a node handles per second (the seed: 10,000), for utilisation. */
  capacityOpsPerSec: number;
  /**
   * RDS Multi-AZ: a hidden synchronous standby (serves no reads) that failover promotes;
   * the read replicas are asynchronous and are never promoted automatically.
   */
  standby: boolean;
  /** The standby's link (another availability zone of the same region). */
  standbySettings: ReplicaSettings;
  /** The failover manager's health checks of the primary. */
  healthCheck: HealthCheckSettings;
  /** How long each failover phase takes. */
  failoverTimings: FailoverTimings;
}

/** Patroni-like defaults: a check a second, 3 misses declare the primary dead. */
export const DEFAULT_HEALTH_CHECK: HealthCheckSettings = { intervalMs: 1000, timeoutMs: 500, retries: 3 };
export const DEFAULT_FAILOVER_TIMINGS: FailoverTimings = {
  electMs: 1000,
  promoteMs: 1000,
  repointMs: 500,
  endpointMs: 1000,
};

export const MAX_REPLICAS = 5;
/** The seed's user ids start here; the snapshot holds SNAPSHOT_USERS of them. */
export const FIRST_USER = 1000;
export const SNAPSHOT_USERS = 20;
export const MAX_USERS = 10_000;

/** Why `user` is not one of the shop's customers, or undefined when it is. */
export function unknownUser(user: number, users: number): string | undefined {
  if (Number.isInteger(user) && user >= FIRST_USER && user < FIRST_USER + users) return undefined;
  return `there is no user ${user} (users are ${FIRST_USER}-${FIRST_USER + users - 1}; raise settings.users for more)`;
}
export const MAX_LAG_MS = 10_000;

/** The seed's failover story: 3 missed checks 1.5 s apart (dead at 5 s), elect 5 s, promote 5 s, DNS 5 s: writes resume at 20 s. */
export const SEED_FAILOVER_TIMELINE = {
  health: { intervalMs: 1500, timeoutMs: 500, retries: 3 },
  timings: { electMs: 5000, promoteMs: 5000, repointMs: 0, endpointMs: 5000 },
} as const;

/** The seed's replicas lag 100-500 ms; three different lags make round-robin reads vary. */
const DEFAULT_LAGS_MS = [150, 250, 400, 300, 200];

export function defaultReplicaSettings(index: number): ReplicaSettings {
  return {
    lagMs: DEFAULT_LAGS_MS[index % DEFAULT_LAGS_MS.length],
    jitterMs: 50,
    applyDelayMs: 0,
    applyRatePerSec: 5000,
  };
}

export interface SettingsInput {
  seed?: number;
  replicas?: number;
  /** One value for every replica, or one per replica. */
  lagMs?: number | number[];
  jitterMs?: number | number[];
  applyDelayMs?: number | number[];
  applyRatePerSec?: number | number[];
  commitMs?: number;
  readMs?: number;
  restartMs?: number;
  applyBatchMax?: number;
  checkpointEveryWrites?: number;
  appServers?: number;
  analyticsCostMs?: number;
  capacityOpsPerSec?: number;
  healthCheck?: Partial<HealthCheckSettings>;
  failoverTimings?: Partial<FailoverTimings>;
  standby?: boolean;
  users?: number;
}

function perReplica(value: number | number[] | undefined, index: number): number | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[index] : value;
}

export function resolveSettings(input: SettingsInput = {}): ClusterSettings {
  const replicas = input.replicas ?? 3;
  return {
    seed: input.seed ?? 1,
    replicas,
    replicaSettings: Array.from({ length: replicas }, (_, i) => {
      const d = defaultReplicaSettings(i);
      return {
        lagMs: perReplica(input.lagMs, i) ?? d.lagMs,
        jitterMs: perReplica(input.jitterMs, i) ?? d.jitterMs,
        applyDelayMs: perReplica(input.applyDelayMs, i) ?? d.applyDelayMs,
        applyRatePerSec: perReplica(input.applyRatePerSec, i) ?? d.applyRatePerSec,
      };
    }),
    commitMs: input.commitMs ?? 20,
    readMs: input.readMs ?? 5,
    restartMs: input.restartMs ?? 2000,
    applyBatchMax: input.applyBatchMax ?? 256,
    checkpointEveryWrites: input.checkpointEveryWrites ?? 500,
    appServers: input.appServers ?? 3,
    analyticsCostMs: input.analyticsCostMs ?? 200,
    capacityOpsPerSec: input.capacityOpsPerSec ?? 10_000,
    standby: input.standby ?? false,
    users: input.users ?? SNAPSHOT_USERS,
    standbySettings: { lagMs: 2, jitterMs: 0, applyDelayMs: 0, applyRatePerSec: 5000 },
    healthCheck: { ...DEFAULT_HEALTH_CHECK, ...input.healthCheck },
    failoverTimings: { ...DEFAULT_FAILOVER_TIMINGS, ...input.failoverTimings },
  };
}

export function replicaName(index: number): string {
  return `replica-${index + 1}`;
}

export const PRIMARY = 'primary';
/** The hidden synchronous standby of an RDS Multi-AZ topology. */
export const STANDBY = 'standby';
/** Names whichever node is primary at that moment (after a failover, not `primary`). */
export const CURRENT_PRIMARY = 'current-primary';
