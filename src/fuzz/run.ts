/**
 * Runs one fault schedule on the real engine and checks the oracle's invariants: each
 * step at its engine time (a step the cluster refuses because the run made it meaningless,
 * such as a link change on a replica promoted since, is noted and dropped; any other
 * command error is a violation), then the tail that heals everything (end partitions,
 * reconnect links, restart dead nodes, stop the load) and lets failovers, restarts and
 * replication finish, then the invariants over the history and the final primary's rows.
 * The steps that ran, tail included, form a scenario that `npm run scenario` replays.
 */
import {
  Cluster,
  CONNECTION_REFUSED,
  checkInvariants,
  EPOCH_MS,
  INVARIANTS,
  type InvariantName,
  type NodeFactory,
  type Recorded,
  SqlError,
} from '../engine/index.ts';
import { scenarioSettings } from '../scenarios/runner.ts';
import { parseScenario, type Scenario, type Step, stepCommand } from '../scenarios/schema.ts';

/** Engine ms after the tail for failovers, restarts and rejoins to finish before draining. */
export const SETTLE_MS = 15_000;

/** Refusals a schedule can earn honestly: the command no longer makes sense for that node. */
const EXPECTED_REFUSALS = [/is not a replica/];

/**
 * SQLSTATEs a console may honestly answer with: a mistake in the SQL or a missing object
 * (class 42), a read-only transaction or one left failed (25), a standby refusing
 * read-write mode or the console refusing a statement (0A), a node still recovering
 * (57P03), a statement timeout (57014). A down node refuses the connection (no SQLSTATE).
 * Anything else from PostgreSQL (an internal error, a constraint the lab broke) is a bug.
 */
export function honestSqlAnswer(err: unknown): boolean {
  if (!(err instanceof SqlError)) return false;
  const code = err.info.code;
  if (code === undefined) return err.info.message === CONNECTION_REFUSED;
  return /^(42|25|0A)/.test(code) || code === '57P03' || code === '57014';
}

export interface ScheduleResult {
  violations: string[];
  met: Record<InvariantName, number>;
  /** The steps that ran (refused ones left out), tail included: a scenario of its own. */
  scenario: Scenario;
  refused: number;
  /** Console statements PostgreSQL answered with an error (read-only, missing table...): honest answers. */
  sqlErrors: number;
  historyEvents: number;
  /** The run's history, when asked for (tests compare runs). */
  history?: readonly Recorded[];
}

/** Unhandled promise rejections while a schedule runs (the CLI and the tests install the listener). */
export const unhandledRejections: string[] = [];
let listening = false;

/** Starts collecting unhandled rejections into `unhandledRejections` (once per process). */
export function listenForUnhandledRejections(): void {
  if (listening) return;
  listening = true;
  process.on('unhandledRejection', (reason) => {
    unhandledRejections.push(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
  });
}

/** Runs the clock to the end, drains, and checks the invariants; returns the situations met. */
async function finish(
  cluster: Cluster,
  lastAt: number,
  pending: () => number,
  violations: string[],
): Promise<Record<InvariantName, number>> {
  await cluster.clock.runUntil(lastAt);
  // A write may wait for ever (sync with no standby, an isolated old primary): not an error.
  await cluster.clock.runWhile(() => pending() > 0, lastAt + 600_000);
  await cluster.drain(600_000);
  const tables = await cluster.dumpTablesNow(cluster.primaryName());
  const finalOrders = new Set(tables.orders.map((r) => `${r.order_id}@${Date.parse(String(r.created_at)) - EPOCH_MS}`));
  const report = checkInvariants({
    history: cluster.history.all(),
    finalOrders,
    converged: await cluster.converged(),
  });
  violations.push(...report.violations);
  return report.met;
}

export async function runSchedule(
  raw: Scenario,
  factory: NodeFactory,
  options: { keepHistory?: boolean } = {},
): Promise<ScheduleResult> {
  const scenario = parseScenario(raw);
  const cluster = await Cluster.boot(factory, scenarioSettings(scenario));
  const violations: string[] = [];
  const unhandledBefore = unhandledRejections.length;
  const executed: Step[] = [];
  let refused = 0;
  let sqlErrors = 0;
  let pending = 0;
  try {
    const send = (step: Step) => {
      const command = stepCommand(step);
      if (!command) return;
      cluster.history.record({ type: 'scenario.step', index: executed.length, action: step.do });
      executed.push(step);
      pending++;
      cluster
        .unjournaled(() => cluster.send(command))
        .then(
          () => undefined,
          (err: unknown) => {
            const message = err instanceof Error ? err.message : String(err);
            if (EXPECTED_REFUSALS.some((r) => r.test(message))) {
              refused++;
              executed.splice(executed.indexOf(step), 1);
            } else if (step.do === 'sql' && honestSqlAnswer(err)) {
              sqlErrors++;
            } else violations.push(`no-command-errors: step ${JSON.stringify(step)} failed: ${message}`);
          },
        )
        .finally(() => pending--);
    };
    let endMs = 0;
    for (const step of scenario.steps) {
      endMs = Math.max(endMs, step.at ?? endMs);
      const at = step.at ?? endMs;
      cluster.clock.scheduleAt(at, () => send({ ...step, at }), 'fuzz step');
    }
    const tailAt = endMs + 100;
    cluster.clock.scheduleAt(tailAt, () => {
      // Heal everything, as the run's last steps (their targets depend on the run so far).
      const tail: Step[] = [
        { at: tailAt, do: 'stopLoad' },
        { at: tailAt, do: 'heal' },
        // (A rejoined old primary cannot be named by link commands; it is never disconnected.)
        ...cluster
          .replicaNames()
          .filter((n) => n !== 'primary')
          .map((node): Step => ({ at: tailAt, do: 'reconnect', node })),
        ...cluster
          .nodeNames()
          .filter((n) => cluster.statusOf(n) === 'down')
          .map((node): Step => ({ at: tailAt, do: 'restartNode', node })),
      ];
      for (const step of tail) send(step);
    });
    const lastAt = tailAt + SETTLE_MS;
    cluster.clock.scheduleAt(lastAt, () => send({ at: lastAt, do: 'stopLoad', note: 'end of the fuzz schedule' }));
    let met = Object.fromEntries(INVARIANTS.map((n) => [n, 0])) as Record<InvariantName, number>;
    try {
      met = await finish(cluster, lastAt, () => pending, violations);
    } catch (err) {
      // An error escaping the engine (a replica failing to apply, a dump failing) is a bug
      // to shrink like any violation, not a crash of the fuzzer.
      violations.push(`no-engine-error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    const unhandled = unhandledRejections.slice(unhandledBefore);
    if (unhandled.length > 0) violations.push(`no-unhandled-rejection: ${unhandled.join(' | ')}`);
    return {
      violations,
      met,
      scenario: { ...raw, name: `${raw.name} (as run)`, steps: executed },
      refused,
      sqlErrors,
      historyEvents: cluster.history.length,
      ...(options.keepHistory ? { history: [...cluster.history.all()] } : {}),
    };
  } finally {
    await cluster.close();
  }
}
