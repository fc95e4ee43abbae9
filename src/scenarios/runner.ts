/**
 * Runs a scenario on a cluster: each step at its engine time, then drains replication and
 * summarises the run from the history. The same code runs headless (CLI, tests: the
 * clock as fast as possible) and in the page (the clock driven by the player).
 */
import { Cluster, type NodeFactory } from '../engine/index.ts';
import { type Scenario, type Step, stepCommand, stepTimes } from './schema.ts';
import { type ScenarioSummary, summarize } from './summary.ts';

export { percentile, type ScenarioSummary, summarize } from './summary.ts';

/** Sends one step's command to the cluster; resolves when the operation completes. */
export function runStep(cluster: Cluster, step: Step): Promise<unknown> {
  const command = stepCommand(step);
  return command ? cluster.send(command) : Promise.resolve();
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
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function scheduleSteps(cluster: Cluster, scenario: Scenario): ScheduledRun {
  const { times, endMs } = stepTimes(scenario.steps);
  const results: Promise<unknown>[] = [];
  const failedAt = new Map<unknown, string>();
  let scheduled!: () => void;
  const allScheduled = new Promise<void>((r) => {
    scheduled = r;
  });
  scenario.steps.forEach((step, index) => {
    cluster.clock.scheduleAt(
      times[index],
      () => {
        cluster.history.record({ type: 'scenario.step', index, action: step.do });
        const result = cluster.unjournaled(() => runStep(cluster, step));
        // Names the step a failure came from; reported through `done` once every step has
        // started, and handled here so that it never goes unhandled before then. (A handler on
        // the side: chaining the step's promise would shift when `done` settles, and with it a run.)
        result.catch((err: unknown) => {
          if (!failedAt.has(err)) failedAt.set(err, `step ${index + 1} (${step.do}) at ${times[index]} ms`);
        });
        results.push(result);
        if (results.length === scenario.steps.length) scheduled();
      },
      `step ${index + 1}`,
    );
  });
  if (scenario.steps.length === 0) scheduled();
  // Scheduled after the steps, so it runs after the last one even at the same time.
  cluster.clock.scheduleAt(endMs, () => cluster.load.stop(), 'end of scenario');
  const done = allScheduled.then(() => Promise.all(results));
  return { done, endMs, ...watch(done, (err) => failedAt.get(err)) };
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
function watch(
  work: Promise<unknown>,
  where: (err: unknown) => string | undefined,
): { finished: () => boolean; failure: () => unknown } {
  let finished = false;
  let failure: unknown;
  work.then(
    () => {
      finished = true;
    },
    (err) => {
      finished = true;
      const step = where(err);
      failure = step
        ? new Error(`${step} failed: ${errorText(err)}`, { cause: err })
        : (err ?? new Error('a step failed'));
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
