/**
 * The topology diagram's words, pure: the short failover-manager label drawn under the
 * primary and the one-sentence summary screen readers get for the whole picture. Reads
 * snapshot slices; knows nothing of React or the store.
 */
import type { ClusterSnapshot, Shipment } from '../../engine/index.ts';

type Failover = ClusterSnapshot['failover'];

/** The last failed health check the history told of. */
export interface FailedCheck {
  at: number;
  failures: number;
}

/** What the failover manager is doing, in a few words: "health check failed 2/3", "promoting replica-2". */
export function failoverLabel(
  failover: Pick<Failover, 'state' | 'primary' | 'auto' | 'healthCheck'>,
  nowMs: number,
  lastFailed: FailedCheck | undefined,
  candidate: string | undefined,
): string {
  const { retries, intervalMs, timeoutMs } = failover.healthCheck;
  const target = candidate ?? 'a replica';
  switch (failover.state) {
    case 'monitoring':
      return failover.auto ? 'health checks OK' : 'automatic failover off';
    case 'resting':
      return `health check failed ${lastFailed?.failures ?? 1}/${retries}`;
    case 'checking':
      // A failure is only news until the next check could have passed.
      return lastFailed && nowMs - lastFailed.at <= intervalMs + timeoutMs
        ? `health check failed ${lastFailed.failures}/${retries}, checking again`
        : 'health checks OK';
    case 'electing':
      return `${failover.primary} declared dead: electing`;
    case 'choosing':
      return 'choosing a replica to promote';
    case 'promoting':
      return `promoting ${target}`;
    case 'repointing':
      return `re-pointing replicas at ${target}`;
    case 'movingEndpoint':
      return `moving the endpoint to ${target}`;
    default:
      return failover.state;
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "primary up, 3 replicas streaming, 2 transactions in flight": the diagram's aria-label. */
export function describeTopology(snapshot: ClusterSnapshot, shipments: readonly Shipment[]): string {
  const { failover } = snapshot;
  const primary = snapshot.nodes.find((n) => n.name === failover.primary);
  const parts = [
    `${failover.primary === 'primary' ? 'primary' : `primary ${failover.primary}`} ${primary?.status ?? 'unknown'}`,
  ];
  const rows = snapshot.replication.filter((r) => r.name !== failover.primary);
  const streaming = rows.filter((r) => r.state === 'streaming').length;
  parts.push(`${plural(streaming, 'replica', 'replicas')} streaming`);
  for (const r of rows.filter((r) => r.state !== 'streaming')) parts.push(`${r.name} ${r.state}`);
  for (const name of failover.fenced) parts.push(`${name} fenced`);
  for (const name of failover.partitioned) parts.push(`${name} partitioned`);
  const flying = shipments.filter((s) => s.stage === 'in-flight').length;
  const queued = shipments.length - flying;
  parts.push(`${plural(flying, 'transaction', 'transactions')} in flight`);
  if (queued > 0) parts.push(`${queued} waiting to be replayed`);
  if (failover.endpoint !== failover.primary) parts.push(`writes still go to ${failover.endpoint}`);
  return parts.join(', ');
}
