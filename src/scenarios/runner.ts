/**
 * Runs a scenario on a cluster: each step at its engine time, then drains replication and
 * summarises the run from the history. The same code runs headless (CLI, tests: the
 * clock as fast as possible) and in the page (the clock driven by the player).
 */
import {
  type Anomaly,
  Cluster,
  classifyReads,
  failoverDowntimes,
  formatLsn,
  type NodeFactory,
  parseStandbyNames,
  type ReplicationMode,
  SEMI_SYNC_TIMEOUT_MS,
} from '../engine/index.ts';
import type { Scenario, Step } from './schema.ts';
import { stepTimes } from './schema.ts';

export interface ScenarioSummary {
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
    /** The user's own acknowledged orders the read did not return. */
    missedOrderIds: number[];
    /** The newest acknowledged write the serving node had not replayed. */
    missedWrite?: { orderId: number; lsn: string; ackAt: number };
    /** Orders an earlier read showed that this one did not (monotonic-read violation). */
    vanishedOrderIds?: number[];
    replayLsn?: string;
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

/** Sends one step's command to the cluster; resolves when the operation completes. */
export function runStep(cluster: Cluster, step: Step): Promise<unknown> {
  switch (step.do) {
    case 'placeOrder':
      return cluster.placeOrder({ user: step.user, total: step.total, node: step.node, via: step.via });
    case 'readOrders':
      return cluster.readOrders({ user: step.user, node: step.node, via: step.via });
    case 'browse':
      return cluster.browse({ user: step.user ?? 1000, category: step.category, node: step.node, via: step.via });
    case 'analyticsQuery':
      return cluster.analyticsQuery();
    case 'setReadPolicy':
      return cluster.setReadPolicy(step.policy);
    case 'setRywStrategy':
      return cluster.setRywStrategy(
        {
          name: step.strategy,
          ...(step.windowMs !== undefined ? { windowMs: step.windowMs } : {}),
          ...(step.timeoutMs !== undefined ? { timeoutMs: step.timeoutMs } : {}),
          ...(step.maxLagMs !== undefined ? { maxLagMs: step.maxLagMs } : {}),
        },
        step.kind,
      );
    case 'setSessionStore':
      return cluster.setSessionStore(step.store);
    case 'startLoad':
      return cluster.startLoad({
        ...(step.writesPerSec !== undefined ? { writesPerSec: step.writesPerSec } : {}),
        ...(step.readsPerSec !== undefined ? { readsPerSec: step.readsPerSec } : {}),
        ...(step.users !== undefined ? { users: step.users } : {}),
      });
    case 'stopLoad':
      return cluster.stopLoad();
    case 'setMode':
      return cluster.setMode(toMode(step), step.kind);
    case 'partition':
      return cluster.partition(step.node);
    case 'heal':
      return cluster.heal(step.node);
    case 'setHealthCheck':
      return cluster.setHealthCheck(
        defined({ intervalMs: step.intervalMs, timeoutMs: step.timeoutMs, retries: step.retries }),
      );
    case 'setFailoverTimings':
      return cluster.setFailoverTimings(
        defined({
          electMs: step.electMs,
          promoteMs: step.promoteMs,
          repointMs: step.repointMs,
          endpointMs: step.endpointMs,
        }),
      );
    case 'setPromotionPolicy':
      return cluster.setPromotionPolicy(step.policy, step.maxLagBytes);
    case 'setFencing':
      return cluster.setFencing(step.on);
    case 'setAutoFailover':
      return cluster.setAutoFailover(step.on);
    case 'setLag':
      return cluster.setLag(step.node, step.ms);
    case 'setApplyDelay':
      return cluster.setApplyDelay(step.node, step.ms);
    case 'setApplyRate':
      return cluster.setApplyRate(step.node, step.perSec);
    case 'disconnect':
      return cluster.disconnect(step.node);
    case 'reconnect':
      return cluster.reconnect(step.node);
    case 'killNode':
      return cluster.killNode(step.node);
    case 'restartNode':
      return cluster.restartNode(step.node);
    case 'wait':
      return Promise.resolve();
  }
}

/** Drops undefined fields (a partial settings object). */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toMode(step: Extract<Step, { do: 'setMode' }>): ReplicationMode {
  if (step.mode === 'async') return { mode: 'async' };
  if (step.mode === 'semi-sync') return { mode: 'semi-sync', timeoutMs: step.timeoutMs ?? SEMI_SYNC_TIMEOUT_MS };
  return {
    mode: 'sync',
    level: step.level ?? 'on',
    standbys: parseStandbyNames(step.standbys ?? 'FIRST 1 (replica-1)'),
  };
}

/** Settings a scenario asks for, as cluster settings input. */
export function scenarioSettings(scenario: Scenario, seed?: number) {
  return { ...scenario.settings, seed: seed ?? scenario.seed ?? 1 };
}

/**
 * Schedules every step on the cluster's clock, and at the last step's time an event that
 * ends the scenario (the load generator stops; in-flight work finishes). Steps are not
 * journaled: a replay of the run schedules them again. Returns a promise that settles when
 * every step's operation has completed (it only progresses while the clock runs).
 */
export function scheduleSteps(cluster: Cluster, scenario: Scenario): ScheduledRun {
  const { times, endMs } = stepTimes(scenario.steps);
  const results: Promise<unknown>[] = [];
  let scheduled!: () => void;
  const allScheduled = new Promise<void>((r) => {
    scheduled = r;
  });
  scenario.steps.forEach((step, index) => {
    cluster.clock.scheduleAt(
      times[index],
      () => {
        cluster.history.record({ type: 'scenario.step', index, action: step.do });
        results.push(cluster.unjournaled(() => runStep(cluster, step)));
        if (results.length === scenario.steps.length) scheduled();
      },
      `step ${index + 1}`,
    );
  });
  if (scenario.steps.length === 0) scheduled();
  // Scheduled after the steps, so it runs after the last one even at the same time.
  cluster.clock.scheduleAt(endMs, () => cluster.load.stop(), 'end of scenario');
  const done = allScheduled.then(() => Promise.all(results));
  return { done, endMs, ...watch(done) };
}

export interface ScheduledRun {
  /** Settles when every step's operation has completed. */
  done: Promise<unknown[]>;
  /** The last step's engine time. */
  endMs: number;
  /** Whether `done` has settled, and why it failed if it did. */
  finished: () => boolean;
  failure: () => unknown;
}

/** Settles to whether `work` failed (and why), so a caller can run the clock until it has. */
function watch(work: Promise<unknown>): { finished: () => boolean; failure: () => unknown } {
  let finished = false;
  let failure: unknown;
  work.then(
    () => {
      finished = true;
    },
    (err) => {
      finished = true;
      failure = err ?? new Error('a step failed');
    },
  );
  return { finished: () => finished, failure: () => failure };
}

/**
 * After the clock reached the last step's time: as fast as possible, lets the steps'
 * operations finish (a write stuck waiting for a synchronous standby may never finish:
 * stop waiting after `limitMs`), drains replication and summarises the run. The CLI and
 * the page's scenario player both end a run with this, so they report the same thing.
 */
export async function finishScenario(
  cluster: Cluster,
  scenario: Scenario,
  run: ScheduledRun,
  limitMs = 600_000,
): Promise<ScenarioSummary> {
  await cluster.clock.runWhile(() => !run.finished(), run.endMs + limitMs);
  if (run.failure()) throw run.failure();
  await cluster.drain(limitMs);
  return summarize(cluster, scenario.name, run.endMs);
}

/** Runs a whole scenario headless, as fast as possible, and summarises it. */
export async function runScenario(
  scenario: Scenario,
  factory: NodeFactory,
  options: { seed?: number; drainLimitMs?: number } = {},
): Promise<ScenarioSummary> {
  const cluster = await Cluster.boot(factory, scenarioSettings(scenario, options.seed));
  try {
    const run = scheduleSteps(cluster, scenario);
    await cluster.clock.runUntil(run.endMs);
    return await finishScenario(cluster, scenario, run, options.drainLimitMs);
  } finally {
    await cluster.close();
  }
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
  };
}
