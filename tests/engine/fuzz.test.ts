/**
 * The fuzzer in CI: 200 random fault schedules on the real engine (reused nodes), every
 * invariant checked after each, and each invariant shown to be non-vacuous (enough
 * schedules met the situation it is about). A failure prints fast-check's seed, the
 * violations and the shrunk schedule; `npm run fuzz -- --seed <seed>` reproduces it. The
 * seed is fixed so CI is repeatable; `npm run fuzz` explores new ones.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../src/fuzz/fuzz.ts';
import { listenForUnhandledRejections } from '../../src/fuzz/run.ts';
import { NodePool } from '../../src/platform/node/nodePool.ts';

const SCHEDULES = 200;
const SEED = 20_251_117;

const pool = new NodePool();
afterAll(() => pool.close());

describe('fuzzing the engine', () => {
  it(`holds every invariant over ${SCHEDULES} fault schedules`, async () => {
    listenForUnhandledRejections();
    const result = await fuzz({
      schedules: SCHEDULES,
      seed: SEED,
      factory: pool.factory,
      shrinkRuns: 40,
      timeLimitMs: 780_000,
    });
    if (result.failure) {
      console.error(
        `fuzz failure: seed ${result.failure.seed}, path ${result.failure.path}\n${result.failure.violations.join('\n')}\n` +
          `shrunk schedule:\n${JSON.stringify(result.failure.scenario)}`,
      );
    }
    expect(result.failure?.violations ?? []).toEqual([]);
    expect(result.ran).toBe(SCHEDULES);
    // Non-vacuous: the schedules met each invariant's situation, several times.
    expect(result.met['one-writable-primary']).toBeGreaterThanOrEqual(10);
    expect(result.met['lost-is-never-received']).toBeGreaterThanOrEqual(3);
    expect(result.met['sync-keeps-acked']).toBeGreaterThanOrEqual(5);
    expect(result.met['acked-on-final-primary']).toBeGreaterThanOrEqual(50);
    expect(result.met['reads-match-positions']).toBeGreaterThanOrEqual(20);
    expect(result.met['converged-after-heal']).toBeGreaterThanOrEqual(100);
    // Nodes are booted once and reused; only a node whose schema a console's DDL changed is replaced.
    expect(pool.counts.booted - pool.counts.replaced).toBeLessThanOrEqual(8);
    expect(pool.counts.replaced).toBeLessThan(pool.counts.reused / 10);
  }, 900_000);
});
