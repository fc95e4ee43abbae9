/**
 * The fuzzer: `schedules` random fault schedules from one seed, each run on the real
 * engine on reused nodes (a NodePool), each checked by the oracle. fast-check draws the
 * schedules and, on a failure, shrinks it (within `shrinkRuns` more runs) to a smaller
 * schedule that still fails; the result names the seed and the shrunk schedule, which the
 * CLI saves as a scenario file. Per invariant it counts the schedules that met the
 * situation it is about (a property that never met its situation proves nothing).
 */
import fc from 'fast-check';
import { INVARIANTS, type InvariantName, type NodeFactory } from '../engine/index.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { runSchedule } from './run.ts';
import { scheduleArb } from './schedule.ts';

export interface FuzzOptions {
  schedules: number;
  seed: number;
  factory: NodeFactory;
  /** More runs allowed for shrinking once a schedule failed. */
  shrinkRuns?: number;
  /** Stops after this long (wall ms) and reports the seed, rather than being killed silently by a test timeout. */
  timeLimitMs?: number;
  /** Restricts the schedules (the property tests force sync, fencing, ...). */
  arbitrary?: fc.Arbitrary<Scenario>;
  onSchedule?: (index: number, violations: string[]) => void;
}

export interface FuzzFailure {
  /** fast-check's seed and path: the same options and this pair reproduce it. */
  seed: number;
  path?: string;
  violations: string[];
  /** The shrunk schedule as it ran (tail included, refused steps dropped): a scenario. */
  scenario: Scenario;
  shrinks: number;
}

export interface FuzzResult {
  seed: number;
  /** Schedules run before the first failure (all of them when none failed). */
  ran: number;
  /** Per invariant, how many schedules met the situation it is about. */
  met: Record<InvariantName, number>;
  refusedSteps: number;
  /** Console statements answered with PostgreSQL's own error (honest answers, counted). */
  sqlErrors: number;
  historyEvents: number;
  failure?: FuzzFailure;
}

export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const met = Object.fromEntries(INVARIANTS.map((n) => [n, 0])) as Record<InvariantName, number>;
  let ran = 0;
  let refusedSteps = 0;
  let sqlErrors = 0;
  let historyEvents = 0;
  let failed: { violations: string[]; scenario: Scenario } | undefined;
  let shrinkLeft = options.shrinkRuns ?? 100;
  const property = fc.asyncProperty(options.arbitrary ?? scheduleArb(), async (schedule) => {
    if (failed && shrinkLeft-- <= 0) return true; // shrinking budget spent: keep the smallest failure found
    const result = await runSchedule(schedule, options.factory);
    if (!failed) {
      ran++;
      refusedSteps += result.refused;
      sqlErrors += result.sqlErrors;
      historyEvents += result.historyEvents;
      for (const name of INVARIANTS) if (result.met[name] > 0) met[name]++;
      options.onSchedule?.(ran, result.violations);
    }
    if (result.violations.length === 0) return true;
    failed = { violations: result.violations, scenario: result.scenario };
    return false;
  });
  const details = await fc.check(property, {
    numRuns: options.schedules,
    seed: options.seed,
    ...(options.timeLimitMs ? { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: true } : {}),
  });
  const failure: FuzzFailure | undefined =
    details.failed && failed
      ? {
          seed: details.seed,
          path: details.counterexamplePath ?? undefined,
          violations: failed.violations,
          scenario: failed.scenario,
          shrinks: details.numShrinks,
        }
      : undefined;
  if (details.failed && !failed && details.interrupted) {
    const text = `time limit of ${options.timeLimitMs} ms reached after ${ran} schedules (seed ${options.seed})`;
    return {
      seed: options.seed,
      ran,
      met,
      refusedSteps,
      sqlErrors,
      historyEvents,
      failure: {
        seed: details.seed,
        violations: [text],
        scenario: { version: 1, name: 'none', steps: [] },
        shrinks: 0,
      },
    };
  }
  if (details.failed && !failed) throw details.errorInstance ?? new Error('the fuzzer failed without a schedule');
  return { seed: options.seed, ran, met, refusedSteps, sqlErrors, historyEvents, ...(failure ? { failure } : {}) };
}
