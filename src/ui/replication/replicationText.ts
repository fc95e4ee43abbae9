/**
 * What each replication mode, synchronous_commit level, promotion policy, failover
 * machine state and failover phase means, in one line, naming the real system that does
 * it (facts from REFERENCE.md, "Replication modes" and "Failover"). Text only.
 */
import type { FailoverPhaseName, PromotionPolicy, ReplicationMode, SyncLevel } from '../../engine/index.ts';
import { POLICY_LABEL } from '../../page/commandText.ts';
import { formatCount } from '../../page/format.ts';
import type { OptionText } from '../routing/routingText.ts';

export type ModeName = ReplicationMode['mode'];
export const MODE_NAMES: readonly ModeName[] = ['async', 'semi-sync', 'sync'];

export const MODE_TEXT: Record<ModeName, OptionText> = {
  async: {
    label: 'Async',
    text: 'the primary acknowledges after its own commit and ships the WAL (MySQL: binlog) later: a failover loses what no replica received yet',
  },
  'semi-sync': {
    label: 'Semi-sync (MySQL)',
    text: 'MySQL semi-sync: the commit waits until at least one replica has received it; after rpl_semi_sync_source_timeout (10,000 ms) with no answer it falls back to async, and returns once a replica catches up',
  },
  sync: {
    label: 'Sync (PostgreSQL)',
    text: 'PostgreSQL synchronous_standby_names: the commit waits for the listed standbys at the synchronous_commit level below; no fallback, so with no synchronous standby commits wait forever',
  },
};

export const LEVEL_TEXT: Record<SyncLevel, OptionText> = {
  remote_write: {
    label: 'remote_write',
    text: 'the standby received the WAL and wrote it to its OS, not yet replayed it: a read there right after can still be stale',
  },
  on: {
    label: 'on (default)',
    text: "PostgreSQL's default: the standby flushed the WAL to disk, so a crash loses nothing; a read on the standby can still be stale. The lab does not model an OS crash, so here on and remote_write behave the same",
  },
  remote_apply: {
    label: 'remote_apply',
    text: 'the standby replayed it: the only level that makes reads on the standby fresh (the seed\'s "sync = always up to date"), and the commit waits out the replay',
  },
};

export const POLICY_TEXT: Record<PromotionPolicy, OptionText> = {
  'first-replica': {
    label: POLICY_LABEL['first-replica'],
    text: 'the seed promotes "Slave 1" unconditionally, however far behind it is: orders other replicas had are thrown away',
  },
  'most-up-to-date': {
    label: POLICY_LABEL['most-up-to-date'],
    text: 'Patroni and Orchestrator promote the healthy replica that received the most; Patroni refuses one more than maximum_lag_on_failover (1 MiB) behind',
  },
};

export const FENCING_TEXT =
  'STONITH / watchdog: the old primary is powered off before the promotion and comes back only as a replica; without it a partitioned old primary keeps taking writes (split brain)';

export const HEALTH_CHECK_TEXT =
  'defaults: a health check a second, 3 misses declare the primary dead (Patroni itself: leader key TTL 30 s, loop_wait 10 s)';

export const SEED_TIMELINE_TEXT =
  "the seed's story: 3 missed checks 1.5 s apart declare the primary dead at 5 s, election until 10 s, promotion until 15 s, DNS moved at 20 s (RDS Multi-AZ really takes 60-120 s)";

/** Every phase the engine records has a label: a new phase fails the typecheck here. */
export const PHASE_LABEL: Record<FailoverPhaseName, string> = {
  detect: 'Detect',
  elect: 'Elect',
  promote: 'Promote',
  repoint: 'Repoint',
  endpoint: 'Endpoint',
  'no-candidate': 'No candidate',
  failed: 'Failed',
};

/** The failover machine's state in plain words; `primary` is the node it watches. */
export function describeMachineState(
  state: string,
  args: {
    primary: string;
    /** The node being promoted, once elected. */
    candidate?: string;
    autoFailover: boolean;
    failures: number;
    retries: number;
    intervalMs: number;
    timeoutMs: number;
  },
): string {
  switch (state) {
    case 'monitoring':
      return args.autoFailover
        ? `Watching ${args.primary}: a health check every ${formatCount(args.intervalMs)} ms`
        : `Automatic failover is off: nobody promotes a replica if ${args.primary} dies`;
    case 'checking':
      return `Health check of ${args.primary} waiting for an answer (timeout ${formatCount(args.timeoutMs)} ms)`;
    case 'resting':
      return `${args.primary} missed ${args.failures} of ${args.retries} health checks in a row`;
    case 'electing':
      return `${args.primary} is declared dead: electing a new primary`;
    case 'choosing':
      return 'Choosing the replica to promote';
    case 'promoting':
      return `Promoting ${args.candidate ?? 'the chosen replica'}`;
    case 'repointing':
      return `Re-pointing the other replicas at ${args.candidate ?? 'the new primary'}`;
    case 'movingEndpoint':
      return `Moving the endpoint clients write to (DNS, proxy or virtual IP) to ${args.candidate ?? 'the new primary'}`;
    case 'promotionFailed':
      return `Promoting ${args.candidate ?? 'the chosen replica'} failed: ${args.primary} is still the primary of record; the manager checks it again and elects again while it is down`;
    case 'repointFailed':
      return `Re-pointing a replica at ${args.candidate ?? 'the new primary'} failed: it needs a fresh copy; the endpoint still moves`;
    default:
      return state;
  }
}

/** True while a failover is under way (the primary and the endpoint may differ). */
export function failingOver(state: string): boolean {
  return [
    'electing',
    'choosing',
    'promoting',
    'promotionFailed',
    'repointing',
    'repointFailed',
    'movingEndpoint',
  ].includes(state);
}
