/**
 * A scenario run's summary, computed from the history alone (and the databases' rows for
 * convergence): what the CLI prints with --json and the page shows when a scenario ends.
 * Its field names are a public contract (instructors' tooling and acceptance checks read
 * them): add fields, never rename them.
 */
import {
  type Anomaly,
  type Cluster,
  classifyReads,
  failoverDowntimes,
  formatLsn,
  type ShardingFacts,
  shardingFacts,
} from '../engine/index.ts';

/**
 * A sharded run's summary also has ShardingFacts' fields (rowsPerShard, skew, movedRows,
 * movedShare, expectedMovedShare, reshardPhases, writePauseMs, duplicateIds, lostRows,
 * crossShardLatencyMs, probes, ...); an unsharded run's has none of them.
 */
export interface ScenarioSummary extends Partial<ShardingFacts> {
  scenario: string;
  seed: number;
  /** Engine time when the last step ran (before draining). */
  endMs: number;
  /** Engine time after draining. */
  drainedAtMs: number;
  reads: {
    op: number;
    at: number;
    user: number;
    /** Who sent it: "user-1001" for scenario steps, "load" for the load generator. */
    client: string;
    action: string;
    via?: string;
    /** The node that served the read (same as servedBy; kept from format 1's first summary). */
    node: string;
    servedBy: string;
    orderIds: number[];
    /** Missed a write acknowledged (to anyone) before the read began. */
    stale: boolean;
    anomalies: Anomaly[];
    /** The user's own acknowledged orders the read did not return (lag: the node had not applied them yet). */
    missedOrderIds: number[];
    /** The user's own acknowledged orders the read did not return because a failover threw them away (loss, not lag). */
    lostOrderIds?: number[];
    /** The newest acknowledged write the serving node had not replayed. */
    missedWrite?: { orderId: number; lsn: string; ackAt: number };
    /** Orders an earlier read showed that this one did not (monotonic-read violation). */
    vanishedOrderIds?: number[];
    replayLsn?: string;
    /** The serving node's timeline and log entry at that moment (its own, not the primary's). */
    timeline?: number;
    entry?: number;
    latencyMs: number;
    error?: string;
  }[];
  staleReads: number;
  rywViolations: number;
  monotonicViolations: number;
  /** Share of successful reads the primary served. */
  primaryReadShare: number;
  readLatencyP50Ms: number;
  readLatencyP99Ms: number;
  /** Writes that failed (connection refused, read-only, ...). */
  failedWrites: number;
  /** Acknowledged writes' latency (invoke to ack), engine ms. */
  writeLatencyP50Ms: number;
  writeLatencyP99Ms: number;
  /** Writes still waiting for a standby when the run ended (sync with none reachable). */
  stuckWrites: number;
  /** Each automatic failover: when detected, who was promoted and when, when the endpoint moved, downtime. */
  failovers: {
    detectedAt: number;
    promoted: string | null;
    promotedAt: number | null;
    endpointMovedAt: number | null;
    downtimeMs: number | null;
  }[];
  /** Acknowledged orders missing on the new primary: confirmed to the customer, now gone. */
  lostWrites: number[];
  /** Two nodes accepted writes as primary at the same time. */
  splitBrain: boolean;
  /** The primary at the end. */
  primary: string;
  writes: {
    op: number;
    at: number;
    user: number;
    client: string;
    node: string;
    ok: boolean;
    orderId?: number;
    lsn?: string;
    ackAt?: number;
    error?: string;
  }[];
  replicas: {
    name: string;
    status: string;
    state: string;
    replayLsn: string;
    sentLsn: string;
    flushLsn: string;
    behindEntries: number;
  }[];
  primaryLsn: string;
  retainedEntries: number;
  converged: boolean;
  /** Replicas whose tables differ from the primary's after draining. */
  differing: string[];
  historyEvents: number;
}

/** Nearest-rank percentile of sorted values (0 when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

export async function summarize(cluster: Cluster, name: string, endMs: number): Promise<ScenarioSummary> {
  const history = cluster.history.all();
  const verdicts = classifyReads(history);
  const writes: ScenarioSummary['writes'] = [];
  const byOp = new Map<number, ScenarioSummary['writes'][number]>();
  for (const e of history) {
    if (e.type === 'write.invoke') {
      const w = { op: e.op, at: e.at, user: e.user, client: e.client, node: e.node, ok: false };
      byOp.set(e.op, w);
      writes.push(w);
    } else if (e.type === 'write.ok') {
      Object.assign(byOp.get(e.op) ?? {}, { ok: true, orderId: e.orderIds[0], lsn: formatLsn(e.lsn), ackAt: e.at });
    } else if (e.type === 'write.fail') {
      Object.assign(byOp.get(e.op) ?? {}, { ok: false, error: e.error });
    }
  }
  const snap = cluster.getSnapshot();
  const { converged, differing } = await cluster.converged();
  const ok = verdicts.filter((v) => v.ok);
  const count = (a: Anomaly) => verdicts.filter((v) => v.anomalies.includes(a)).length;
  const latencies = ok.map((v) => v.latencyMs).sort((a, b) => a - b);
  const writeLatencies = writes.flatMap((w) => (w.ackAt !== undefined ? [w.ackAt - w.at] : [])).sort((a, b) => a - b);
  return {
    scenario: name,
    seed: cluster.settings.seed,
    endMs,
    drainedAtMs: cluster.clock.now(),
    reads: verdicts.map((v) => ({
      op: v.op,
      at: v.at,
      user: v.user,
      client: v.client,
      action: v.action,
      ...(v.via ? { via: v.via } : {}),
      node: v.node,
      servedBy: v.node,
      orderIds: v.orderIds,
      stale: v.stale,
      anomalies: v.anomalies,
      missedOrderIds: v.missedOwn.map((m) => m.orderId),
      ...(v.lostOwn?.length ? { lostOrderIds: v.lostOwn.map((m) => m.orderId) } : {}),
      ...(v.missedWrite
        ? {
            missedWrite: {
              orderId: v.missedWrite.orderId,
              lsn: formatLsn(v.missedWrite.lsn),
              ackAt: v.missedWrite.ackAt,
            },
          }
        : {}),
      ...(v.vanished ? { vanishedOrderIds: v.vanished.orderIds } : {}),
      ...(v.replayLsn !== undefined ? { replayLsn: formatLsn(v.replayLsn) } : {}),
      ...(v.timeline !== undefined ? { timeline: v.timeline, entry: v.entry } : {}),
      latencyMs: round(v.latencyMs),
      ...(v.error ? { error: v.error } : {}),
    })),
    staleReads: count('stale'),
    rywViolations: count('read-your-writes'),
    monotonicViolations: count('monotonic'),
    primaryReadShare: ok.length ? round(ok.filter((v) => v.node === cluster.primaryName()).length / ok.length, 4) : 0,
    readLatencyP50Ms: round(percentile(latencies, 0.5)),
    readLatencyP99Ms: round(percentile(latencies, 0.99)),
    failedWrites: writes.filter((w) => w.error !== undefined).length,
    writeLatencyP50Ms: round(percentile(writeLatencies, 0.5)),
    writeLatencyP99Ms: round(percentile(writeLatencies, 0.99)),
    stuckWrites: snap.waitingCommits.length,
    failovers: failoverDowntimes(history, snap.failover.failovers).map((f) => ({
      detectedAt: f.detectedAt,
      promoted: f.promoted ?? null,
      promotedAt: f.promotedAt ?? null,
      endpointMovedAt: f.endpointMovedAt ?? null,
      downtimeMs: f.downtimeMs === null ? null : round(f.downtimeMs),
    })),
    lostWrites: cluster.history.ofType('failover.lost').flatMap((e) => e.orderIds),
    splitBrain: snap.failover.splitBrain,
    primary: snap.failover.primary,
    writes,
    replicas: snap.replication.map((r) => ({
      name: r.name,
      status: r.status,
      state: r.state,
      replayLsn: r.replay_lsn,
      sentLsn: r.sent_lsn,
      flushLsn: r.flush_lsn,
      behindEntries: r.behindEntries,
    })),
    primaryLsn: formatLsn(snap.log.headLsn),
    retainedEntries: snap.log.retainedEntries,
    converged,
    differing,
    historyEvents: history.length,
    ...(await shardingFacts(cluster.sharding, cluster.history)),
  };
}
