/**
 * A replica that replayed DDL the promoted node never received cannot be rewound row by
 * row (the lab undoes rows, not DDL): it takes a fresh base backup of the new primary,
 * the whole data directory, and converges, schema included. Found by fuzzing the console
 * (seed 7): the Multi-AZ standby was cut off just after a CREATE TABLE, the primary was
 * partitioned, the standby was promoted, and replica-1 kept the table it had replayed.
 */
import { describe, expect, it } from 'vitest';
import { runSchedule } from '../../src/fuzz/run.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';

const schedule: Scenario = {
  version: 1,
  name: 'DDL the promoted standby never received',
  seed: 1,
  settings: {
    replicas: 1,
    standby: true,
    lagMs: [0],
    jitterMs: 0,
    restartMs: 200,
    healthCheck: { intervalMs: 300, timeoutMs: 200, retries: 1 },
    failoverTimings: { electMs: 0, promoteMs: 0, repointMs: 0, endpointMs: 0 },
  },
  steps: [
    { do: 'setFencing', on: true, at: 0 },
    { do: 'sql', node: 'primary', text: 'CREATE TABLE fuzz_notes (id serial PRIMARY KEY, note text)', at: 1633 },
    { do: 'disconnect', node: 'standby', at: 1654 },
    { do: 'partition', node: 'primary', at: 6000 },
    // The fuzzer's tail heals everything 100 ms after the last step: let the failover happen first.
    { do: 'stopLoad', at: 7000 },
  ],
};

describe('a replica holding DDL the new primary never received', () => {
  it('takes a fresh base backup at the repoint and converges, schema included', async () => {
    const result = await runSchedule(schedule, inProcessFactory, { keepHistory: true });
    expect(result.violations).toEqual([]);
    const history = result.history ?? [];
    const promoted = history.find((e) => e.type === 'failover.phase' && e.phase === 'promote');
    expect(promoted && 'node' in promoted ? promoted.node : undefined).toBe('standby');
    const copies = history.filter((e) => e.type === 'node.rewound' && e.method === 'fresh copy');
    expect(copies.map((e) => ('node' in e ? e.node : undefined))).toContain('replica-1');
    expect(result.met['converged-after-heal']).toBe(1);
  }, 120_000);
});
