/**
 * Downtime of each failover, measured from the history, one definition for the page and
 * the CLI: from the first write that failed because the primary went away (a connection
 * error on the old primary, at or after its outage) to the first write that succeeded
 * after it. Without such a failure (no traffic), from the moment the old primary became
 * unreachable to the moment the endpoint moved. A write refused for another reason (sent
 * to a read-only replica, to a dead replica, before an outage that recovered) is not a
 * failover's downtime. Observes only. `failoverDowntimes` reads a whole history (the
 * scenario summary); `DowntimeTracker` follows a growing one event by event (the
 * snapshot, which must not rescan it); both measure with the tracker.
 */
import type { FailoverRecord } from '../failover/orchestrator.ts';
import type { Recorded } from '../sim/history.ts';

export interface FailoverDowntime extends FailoverRecord {
  downtimeMs: number | null;
  /** How it was measured: "writes" (failed to successful write) or "endpoint". */
  measuredBy: 'writes' | 'endpoint' | 'unfinished';
}

export function failoverDowntimes(history: readonly Recorded[], failovers: FailoverRecord[]): FailoverDowntime[] {
  const tracker = new DowntimeTracker();
  for (const e of history) tracker.add(e);
  return [...tracker.measure(failovers)];
}

/** A write that failed with a connection error, and when the first write after it succeeded. */
interface FailedWrite {
  at: number;
  node: string;
  okAt?: number;
}

/**
 * Downtime as a client saw it, followed incrementally: only writes that failed because a
 * primary went away start the clock, i.e. connection errors (no SQLSTATE) on a node that
 * was the old primary of a failover. A write sent to a replica fails with a SQL error
 * (25006), a write to a killed replica fails on a node no failover replaced: neither is a
 * failover's downtime. Keeps only the connection failures and the nodes' outages, so
 * measuring costs nothing like a scan of the history.
 */
export class DowntimeTracker {
  private readonly fails: FailedWrite[] = [];
  /** Index of the first failure no later write has succeeded after yet. */
  private unanswered = 0;
  private readonly outages: { at: number; node: string }[] = [];
  /** Bumped whenever what `measure` reads changes, to reuse its last answer otherwise. */
  private version = 0;
  private last: { key: string; version: number; value: FailoverDowntime[] } | undefined;

  add(e: Recorded): void {
    if (e.type === 'write.fail' && e.code === undefined) {
      this.fails.push({ at: e.at, node: e.node });
      this.version++;
    } else if (e.type === 'write.ok' && this.unanswered < this.fails.length) {
      for (let i = this.unanswered; i < this.fails.length; i++) this.fails[i].okAt = e.at;
      this.unanswered = this.fails.length;
      this.version++;
    } else if (e.type === 'node.down' || (e.type === 'node.partitioned' && e.partitioned)) {
      this.outages.push({ at: e.at, node: e.node });
      this.version++;
    }
  }

  /**
   * Downtime of each failover (see the file comment), counted from the old primary's
   * outage (its last going down or being partitioned before the failover was detected)
   * when the history has one. The same array while nothing it reads changed.
   */
  measure(failovers: readonly FailoverRecord[]): FailoverDowntime[] {
    if (failovers.length === 0) return NONE;
    const key = JSON.stringify(failovers);
    if (this.last && this.last.key === key && this.last.version === this.version) return this.last.value;
    const oldPrimaries = new Set(failovers.map((f) => f.oldPrimary));
    let since = 0;
    const value = failovers.map((f): FailoverDowntime => {
      const end = f.endpointMovedAt;
      const lostAt = this.outages.findLast((o) => o.at <= f.detectedAt && o.node === f.oldPrimary)?.at;
      // Failures before the outage that led to this failover (a restart since recovered) are not its downtime.
      const fail = this.firstFail(Math.max(since, lostAt ?? since), end, oldPrimaries);
      since = end ?? Number.POSITIVE_INFINITY;
      if (fail?.okAt !== undefined) return { ...f, downtimeMs: fail.okAt - fail.at, measuredBy: 'writes' };
      if (end === undefined || lostAt === undefined) return { ...f, downtimeMs: null, measuredBy: 'unfinished' };
      return { ...f, downtimeMs: end - lostAt, measuredBy: 'endpoint' };
    });
    this.last = { key, version: this.version, value };
    return value;
  }

  /** The first failure on an old primary in [from, to]: a binary search to `from`, then forward. */
  private firstFail(from: number, to: number | undefined, nodes: ReadonlySet<string>): FailedWrite | undefined {
    let lo = 0;
    let hi = this.fails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.fails[mid].at < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.fails.length; i++) {
      const f = this.fails[i];
      if (to !== undefined && f.at > to) return undefined;
      if (nodes.has(f.node)) return f;
    }
    return undefined;
  }
}

const NONE: FailoverDowntime[] = [];
