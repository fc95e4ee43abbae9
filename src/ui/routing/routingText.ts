/**
 * What each routing option means, in one line, naming the real system that does it
 * (facts from REFERENCE.md, "Read-your-writes and session guarantees"). Text only.
 */
import type { ReadPolicy, RywStrategy, RywStrategyName, SessionStore } from '../../engine/index.ts';

export interface OptionText {
  label: string;
  text: string;
}

export const READ_POLICY_TEXT: Record<ReadPolicy, OptionText> = {
  'round-robin': {
    label: 'Round robin',
    text: "each app server cycles through the replicas with its own counter (the seed's getReadDB replicaIndex)",
  },
  random: { label: 'Random', text: 'Prisma read replicas: a random replica for every read' },
  'least-lag': {
    label: 'Least lag',
    text: 'the replica with the least replay lag at this moment (real proxies only see lag every few seconds)',
  },
  sticky: {
    label: 'Sticky per user',
    text: 'pin each user to one replica: monotonic reads (time never goes backwards), but not read-your-writes',
  },
};

export const RYW_TEXT: Record<RywStrategyName, OptionText> = {
  none: {
    label: 'None',
    text: 'every read follows the read policy; nothing remembers your writes (Prisma read replicas do no more)',
  },
  'primary-after-write': {
    label: 'Primary after a write',
    text: 'once the session has written, its reads go to the primary (pgpool-II disable_load_balance_on_write = always; Laravel sticky, for the rest of the request)',
  },
  'time-window': {
    label: 'Time window',
    text: 'Rails DatabaseSelector: primary for 2 s after a write (seed: 5 s); it never looks at replica lag',
  },
  optimistic: {
    label: 'Optimistic UI',
    text: "reads still go to replicas; the order's reply says it may take a few seconds to appear (the seed's solution 3): honest, not consistent",
  },
  'lsn-wait': {
    label: 'Wait for LSN',
    text: "wait until the replica replayed your write's LSN (pg_last_wal_replay_lsn, ProxySQL GTID causal reads, MongoDB causal sessions); after the timeout read the primary",
  },
  'lag-aware': {
    label: 'Lag-aware',
    text: 'skip replicas over the max lag, read the primary if none is left (ProxySQL max_replication_lag / pgpool-II delay_threshold; both check lag every 10 s, this lab at every read)',
  },
};

export const SESSION_STORE_TEXT: Record<SessionStore, OptionText> = {
  'per-app-server': {
    label: 'Per app server (seed)',
    text: "the seed's userSessions Map lives in one process: the next request may land on another app server",
  },
  shared: {
    label: 'Shared',
    text: 'every app server sees the same session: Rails keeps the last write time in the session cookie, others use a shared store',
  },
};

/** The one number a strategy takes, if any. */
export type RywParam = 'windowMs' | 'timeoutMs' | 'maxLagMs';

export const RYW_PARAM: Partial<Record<RywStrategyName, { key: RywParam; label: string }>> = {
  'time-window': { key: 'windowMs', label: 'Window (ms)' },
  'lsn-wait': { key: 'timeoutMs', label: 'Timeout (ms)' },
  'lag-aware': { key: 'maxLagMs', label: 'Max lag (ms)' },
};

export const MAX_RYW_PARAM_MS = 60_000;

export function paramOf(strategy: RywStrategy): { key: RywParam; label: string; value: number } | undefined {
  const param = RYW_PARAM[strategy.name];
  return param && { ...param, value: strategy[param.key] };
}
