/**
 * The activity log's line for a command the learner sent, once the engine took it: what
 * changed, in the page's words. Pure text from the command (and the engine's settings
 * after it, for the failover manager's): no store, no engine calls.
 */
import {
  type ClusterSnapshot,
  type Command,
  describeMode,
  type FailoverTimings,
  type HealthCheckSettings,
  type PromotionPolicy,
  replicationModeOf,
} from '../engine/index.ts';
import { formatCount, formatMs } from './format.ts';

/** The promotion policies as the controls and the log name them. */
export const POLICY_LABEL: Record<PromotionPolicy, string> = {
  'first-replica': 'Always Replica 1 (seed)',
  'most-up-to-date': 'Most up-to-date (Patroni, Orchestrator)',
};

export function describeHealth(h: HealthCheckSettings): string {
  return `a check every ${formatMs(h.intervalMs)}, ${formatMs(h.timeoutMs)} timeout, ${h.retries} misses declare the primary dead`;
}

export function describeTimings(t: FailoverTimings): string {
  return `elect ${formatMs(t.electMs)}, promote ${formatMs(t.promoteMs)}, repoint ${formatMs(t.repointMs)}, endpoint ${formatMs(t.endpointMs)}`;
}

const kindText = (kind: string | undefined) => kind ?? 'orders and products';

/**
 * The line to log once `command` has run, or undefined when its own panel shows the
 * result (orders, reads, SQL, WAL records, a lag slider).
 */
export function doneText(command: Command, after: ClusterSnapshot | undefined): string | undefined {
  const c = command;
  switch (c.do) {
    case 'reconnect':
      return `${c.node} reconnected to the primary`;
    case 'disconnect':
      return `${c.node} disconnected from the primary`;
    case 'killNode':
      return `${c.node} was killed`;
    case 'restartNode':
      return `${c.node} is restarting (crash recovery before it serves again)`;
    case 'killShard':
      return `${c.shard} was killed: its users' orders and reads fail, scatter queries fail, the other shards go on`;
    case 'restartShard':
      return `${c.shard} is back, with the rows it had`;
    case 'setApplyRate':
      return `${c.node} now replays at most ${formatCount(c.perSec)} transactions/s`;
    case 'setApplyDelay':
      return `${c.node} now applies each transaction ${formatMs(c.ms)} after its commit`;
    case 'setMode':
      return `Replication mode for ${kindText(c.kind)}: ${describeMode(replicationModeOf(c))}`;
    case 'partition':
      return `${c.node} is partitioned: cut off from the other nodes and the failover manager (clients still reach it)`;
    case 'heal':
      return c.node ? `${c.node}'s partition healed` : 'Every partition healed';
    case 'setFencing':
      return c.on
        ? 'Fencing on: the old primary is powered off before a promotion'
        : 'Fencing off: an old primary may come back';
    case 'setAutoFailover':
      return `Automatic failover ${c.on ? 'on' : 'off'}`;
    case 'setHealthCheck':
      return after && `Health check: ${describeHealth(after.failover.healthCheck)}`;
    case 'setFailoverTimings':
      return after && `Failover phases: ${describeTimings(after.failover.timings)}`;
    case 'setPromotionPolicy':
      return `Promotion policy: ${POLICY_LABEL[c.policy]}`;
    case 'setReadPolicy':
      return `Read policy: ${c.policy}`;
    case 'setRywStrategy': {
      const params = (['windowMs', 'timeoutMs', 'maxLagMs'] as const)
        .filter((k) => c[k] !== undefined)
        .map((k) => `${k} ${c[k]}`);
      const what = `${c.strategy}${params.length > 0 ? ` (${params.join(', ')})` : ''}`;
      return `Read-your-writes strategy for ${kindText(c.kind)}: ${what}`;
    }
    case 'setSessionStore':
      return `Session store: ${c.store}`;
    case 'startLoad':
      return `Load generator started: ${c.writesPerSec} writes/s, ${c.readsPerSec} reads/s`;
    case 'stopLoad':
      return 'Load generator stopped';
    default:
      return undefined;
  }
}

/** What a command is called in an error line ("Kill replica-1: ..."). */
export function commandLabel(c: Command): string {
  const on = 'node' in c && c.node ? ` ${c.node}` : '';
  return `${c.do}${on}`;
}
