/**
 * Downtime of each failover, measured from the history: from the first write that failed
 * to the first write that succeeded after it. With no failed write (no traffic), from the
 * moment the old primary became unreachable to the moment the endpoint moved. Observes only.
 */
import type { FailoverRecord } from '../cluster/cluster.ts';
import type { Recorded } from '../sim/history.ts';

export interface FailoverDowntime extends FailoverRecord {
  downtimeMs: number | null;
  /** How it was measured: "writes" (failed to successful write) or "endpoint". */
  measuredBy: 'writes' | 'endpoint' | 'unfinished';
}

export function failoverDowntimes(history: readonly Recorded[], failovers: FailoverRecord[]): FailoverDowntime[] {
  let since = 0;
  return failovers.map((f) => {
    const end = f.endpointMovedAt;
    const firstFail = history.find(
      (e) => e.type === 'write.fail' && e.at >= since && (end === undefined || e.at <= end),
    );
    const firstOkAfter = firstFail && history.find((e) => e.type === 'write.ok' && e.seq > firstFail.seq);
    since = end ?? Number.POSITIVE_INFINITY;
    if (firstFail && firstOkAfter) return { ...f, downtimeMs: firstOkAfter.at - firstFail.at, measuredBy: 'writes' };
    const lostAt = [...history]
      .reverse()
      .find(
        (e) =>
          e.at <= f.detectedAt &&
          ((e.type === 'node.down' && e.node === f.oldPrimary) ||
            (e.type === 'node.partitioned' && e.node === f.oldPrimary && e.partitioned)),
      );
    if (end === undefined || !lostAt) return { ...f, downtimeMs: null, measuredBy: 'unfinished' };
    return { ...f, downtimeMs: end - lostAt.at, measuredBy: 'endpoint' };
  });
}
