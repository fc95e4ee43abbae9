/**
 * Property-based tests of failover over random fault schedules on real PGlite (reused
 * nodes): the fuzzer's schedules (reads throughout, kills, restarts, partitions, heals
 * mid-run, disconnects, lag, load, both promotion policies, Multi-AZ, per-app-server and
 * shared sessions), each property restricting them to the situation it is about (fencing
 * always on, synchronous replication, fencing off). The invariants come from the oracle
 * (src/engine/checker/invariants.ts), computed from the history and the databases' rows;
 * no command error is swallowed (an unexpected one is a violation). Each property counts
 * the schedules that met its situation and fails if too few did, and runs under a time
 * limit, so a failure prints fast-check's seed and the shrunk schedule instead of being
 * killed by the test timeout.
 */
import type fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { InvariantName } from '../../src/engine/index.ts';
import { type FuzzResult, fuzz } from '../../src/fuzz/fuzz.ts';
import { listenForUnhandledRejections } from '../../src/fuzz/run.ts';
import { scheduleArb } from '../../src/fuzz/schedule.ts';
import { NodePool } from '../../src/platform/node/nodePool.ts';
import type { Scenario, Step } from '../../src/scenarios/schema.ts';

const pool = new NodePool();
afterAll(() => pool.close());

/** The schedules with some steps replaced: `keep` drops steps, `opening` goes first. */
function restricted(keep: (s: Step) => boolean, opening: (s: Scenario) => Step[]): fc.Arbitrary<Scenario> {
  return scheduleArb().map((s) => ({ ...s, steps: [...opening(s), ...s.steps.filter(keep)] }));
}

async function check(name: string, arbitrary: fc.Arbitrary<Scenario>, seed: number): Promise<FuzzResult> {
  listenForUnhandledRejections();
  const result = await fuzz({
    schedules: 40,
    seed,
    factory: pool.factory,
    arbitrary,
    shrinkRuns: 30,
    timeLimitMs: 240_000,
  });
  if (result.failure)
    console.error(
      `${name}: seed ${result.failure.seed} path ${result.failure.path}\n${result.failure.violations.join('\n')}\nshrunk schedule: ${JSON.stringify(result.failure.scenario)}`,
    );
  expect(result.failure?.violations ?? []).toEqual([]);
  return result;
}

const atLeast = (result: FuzzResult, counts: Partial<Record<InvariantName, number>>) => {
  for (const [name, n] of Object.entries(counts))
    expect({ name, met: result.met[name as InvariantName] >= n }).toEqual({ name, met: true });
};

describe('failover invariants (property-based, real PGlite)', () => {
  it('fencing always on: one writable primary, lost writes are exactly those never received, convergence', async () => {
    const arbitrary = restricted(
      (s) => s.do !== 'setFencing',
      () => [{ at: 0, do: 'setFencing', on: true }],
    );
    const result = await check('fencing on', arbitrary, 101);
    atLeast(result, { 'one-writable-primary': 5, 'lost-is-never-received': 1, 'converged-after-heal': 30 });
    expect(result.ran).toBe(40);
  }, 300_000);

  it('synchronous replication loses no acknowledged write, fencing on or off', async () => {
    const arbitrary = restricted(
      (s) => s.do !== 'setMode' && !(s.do === 'placeOrder' && s.at === 0),
      (s) =>
        s.settings?.standby
          ? []
          : [
              {
                at: 0,
                do: 'setMode',
                mode: 'sync',
                level: 'on',
                standbys: `ANY 1 (${Array.from({ length: s.settings?.replicas ?? 3 }, (_, i) => `replica-${i + 1}`).join(', ')})`,
              },
            ],
    );
    const result = await check('sync', arbitrary, 202);
    atLeast(result, { 'sync-keeps-acked': 5, 'acked-on-final-primary': 10 });
  }, 300_000);

  it('fencing off: split brain is reported, reads on either side are judged by what that node holds', async () => {
    const arbitrary = restricted(
      (s) => s.do !== 'setFencing',
      () => [{ at: 0, do: 'setFencing', on: false }],
    );
    const result = await check('fencing off', arbitrary, 303);
    atLeast(result, { 'reads-match-positions': 5, 'lost-is-never-received': 1, 'converged-after-heal': 30 });
  }, 300_000);
});
