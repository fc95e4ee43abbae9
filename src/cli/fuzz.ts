/**
 * `npm run fuzz -- [--schedules N] [--seed S] [--out DIR] [--shrink-runs K]`: runs N random
 * fault schedules (kills, restarts, partitions, heals, disconnects, lag and mode changes,
 * load) on the real engine, on reused nodes, and checks the invariants after each (see
 * src/engine/checker/invariants.ts). Prints one JSON object on stdout: the rate, each
 * invariant's count of schedules that met its situation, memory, and the failure if any:
 * its seed and the shrunk schedule, saved as a scenario file that `npm run scenario`
 * replays. `--replay FILE` runs one saved schedule and checks it again.
 * Exit codes: 0 every schedule held, 1 an invariant failed, 2 bad arguments.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzz } from '../fuzz/fuzz.ts';
import { listenForUnhandledRejections, runSchedule } from '../fuzz/run.ts';
import { NodePool } from '../platform/node/nodePool.ts';
import { parseScenarioText } from '../scenarios/schema.ts';
import { runMain } from './exit.ts';

// Keep stdout for the JSON alone (PGlite's notices go to stderr).
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

const USAGE = 'usage: npm run fuzz -- [--schedules N] [--seed S] [--out DIR] [--shrink-runs K] | --replay FILE';
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

function wholeNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} expects a whole number, got "${text}"`);
  return n;
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        schedules: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        'shrink-runs': { type: 'string' },
        replay: { type: 'string' },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  listenForUnhandledRejections();
  const pool = new NodePool();
  try {
    if (typeof values.replay === 'string') {
      const scenario = parseScenarioText(readFileSync(values.replay, 'utf8'), values.replay);
      const result = await runSchedule(scenario, pool.factory);
      stdoutWrite(
        `${JSON.stringify({ replay: values.replay, violations: result.violations, met: result.met }, null, 2)}\n`,
      );
      return result.violations.length ? 1 : 0;
    }
    let schedules: number;
    let seed: number;
    let shrinkRuns: number;
    try {
      schedules = wholeNumber(values.schedules as string | undefined, 'schedules', 100);
      seed = wholeNumber(values.seed as string | undefined, 'seed', Date.now() % 1_000_000);
      shrinkRuns = wholeNumber(values['shrink-runs'] as string | undefined, 'shrink-runs', 100);
    } catch (err) {
      console.error(`${(err as Error).message}\n${USAGE}`);
      return 2;
    }
    const out = typeof values.out === 'string' ? values.out : 'fuzz-failures';
    console.error(`fuzzing ${schedules} schedules, seed ${seed}...`);
    const heap: number[] = [];
    const start = performance.now();
    const result = await fuzz({
      schedules,
      seed,
      shrinkRuns,
      factory: pool.factory,
      onSchedule: (i, violations) => {
        if (i % 50 === 0 || violations.length > 0) {
          heap.push(process.memoryUsage().heapUsed);
          console.error(
            `  ${i} schedules, ${Math.round((performance.now() - start) / 1000)} s${violations.length ? ': FAILED' : ''}`,
          );
        }
      },
    });
    const seconds = (performance.now() - start) / 1000;
    let scenarioFile: string | undefined;
    if (result.failure) {
      mkdirSync(out, { recursive: true });
      scenarioFile = join(out, `fuzz-seed-${seed}.json`);
      const scenario = {
        ...result.failure.scenario,
        name: `fuzz failure (seed ${seed})`,
        description: `Shrunk by npm run fuzz -- --seed ${seed}: ${result.failure.violations.join('; ')}`,
      };
      writeFileSync(scenarioFile, `${JSON.stringify(scenario, null, 2)}\n`);
    }
    const report = {
      seed,
      schedules,
      ran: result.ran,
      ok: !result.failure,
      seconds: Math.round(seconds * 10) / 10,
      schedulesPerSec: Math.round((result.ran / seconds) * 100) / 100,
      invariantsMet: result.met,
      refusedSteps: result.refusedSteps,
      sqlErrors: result.sqlErrors,
      historyEvents: result.historyEvents,
      nodes: pool.counts,
      memory: {
        heapMbSamples: heap.map(mb),
        rssMb: mb(process.memoryUsage().rss),
        /** Bounded: the heap after the last sample is within 256 MB of the first. */
        bounded: heap.length < 2 || (heap.at(-1) as number) - heap[0] < 256 * 2 ** 20,
      },
      ...(result.failure
        ? {
            failure: {
              fastCheckSeed: result.failure.seed,
              path: result.failure.path,
              shrinks: result.failure.shrinks,
              violations: result.failure.violations,
              scenarioFile,
              replay: `npm run scenario -- ${scenarioFile} --json   (or npm run fuzz -- --replay ${scenarioFile})`,
            },
          }
        : {}),
    };
    stdoutWrite(`${JSON.stringify(report, null, 2)}\n`);
    return result.failure || !report.memory.bounded ? 1 : 0;
  } finally {
    await pool.close();
  }
}

runMain(main);
