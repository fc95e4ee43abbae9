/**
 * Property-based tests of the read-your-writes strategies and read policies, over random
 * seeded workloads on real PGlite clusters. fast-check prints the seed of any failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadPolicy } from '../../src/engine/app/routing.ts';
import { classifyReads, type ReadVerdict } from '../../src/engine/checker/consistency.ts';
import type { Cluster } from '../../src/engine/cluster/cluster.ts';
import type { CommandOf } from '../../src/engine/index.ts';
import { bootCluster, settle } from '../harness.ts';

const workload = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  lagMs: fc.tuple(
    fc.integer({ min: 0, max: 3000 }),
    fc.integer({ min: 0, max: 3000 }),
    fc.integer({ min: 0, max: 3000 }),
  ),
  jitterMs: fc.integer({ min: 0, max: 200 }),
  ops: fc.array(
    fc.record({
      kind: fc.constantFrom('write', 'read', 'read'),
      user: fc.integer({ min: 1000, max: 1002 }),
      gapMs: fc.integer({ min: 0, max: 700 }),
    }),
    { minLength: 4, maxLength: 14 },
  ),
});
type Workload = typeof workload extends fc.Arbitrary<infer T> ? T : never;

/** Runs the workload through the load balancer with the given routing; returns every read's verdict. */
async function run(
  w: Workload,
  routing: { strategy?: Omit<CommandOf<'setRywStrategy'>, 'do'>; policy?: ReadPolicy },
): Promise<ReadVerdict[]> {
  const cluster: Cluster = await bootCluster({ seed: w.seed, lagMs: [...w.lagMs], jitterMs: w.jitterMs });
  try {
    await settle(cluster, cluster.send({ do: 'setSessionStore', store: 'shared' }));
    if (routing.strategy) await settle(cluster, cluster.send({ do: 'setRywStrategy', ...routing.strategy }));
    if (routing.policy) await settle(cluster, cluster.send({ do: 'setReadPolicy', policy: routing.policy }));
    const pending: Promise<unknown>[] = [];
    for (const op of w.ops) {
      await cluster.clock.advance(op.gapMs);
      pending.push(
        op.kind === 'write'
          ? cluster.send({ do: 'placeOrder', user: op.user, total: 10 })
          : cluster.send({ do: 'readOrders', user: op.user }),
      );
    }
    await settle(cluster, ...pending);
    return classifyReads(cluster.history.all());
  } finally {
    await cluster.close();
  }
}

const has = (v: ReadVerdict, kind: string) => v.anomalies.includes(kind as ReadVerdict['anomalies'][number]);
const RUNS = { numRuns: 5 };

describe('read-your-writes strategies (property-based, real PGlite)', () => {
  it('reading from the primary after a write never misses the user’s own write', async () => {
    await fc.assert(
      fc.asyncProperty(workload, async (w) => {
        const reads = await run(w, { strategy: { strategy: 'primary-after-write' } });
        expect(reads.filter((v) => has(v, 'read-your-writes'))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('the causal LSN token (no timeout) never misses the user’s own write', async () => {
    await fc.assert(
      fc.asyncProperty(workload, async (w) => {
        const reads = await run(w, { strategy: { strategy: 'lsn-wait', timeoutMs: 600_000 } });
        expect(reads.filter((v) => has(v, 'read-your-writes'))).toEqual([]);
        // It gets there by waiting on replicas, not by reading the primary.
        expect(reads.filter((v) => v.node === 'primary')).toEqual([]);
      }),
      RUNS,
    );
  });

  it('a time window W misses own writes only on reads from a replica more than W behind', async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.integer({ min: 100, max: 2500 }), async (w, windowMs) => {
        const reads = await run(w, { strategy: { strategy: 'time-window', windowMs } });
        for (const v of reads.filter((r) => has(r, 'read-your-writes'))) {
          expect(v.lagMs).toBeGreaterThan(windowMs);
        }
      }),
      RUNS,
    );
  });
});

describe('read policies (property-based, real PGlite)', () => {
  it('a sticky replica per user never shows an order and then loses it', async () => {
    await fc.assert(
      fc.asyncProperty(workload, async (w) => {
        const reads = await run(w, { policy: 'sticky' });
        expect(reads.filter((v) => has(v, 'monotonic'))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('round robin over replicas with different lags makes an order appear, then vanish', async () => {
    const cluster = await bootCluster({ seed: 1, lagMs: [100, 3000, 100], jitterMs: 0 });
    try {
      await settle(cluster, cluster.send({ do: 'placeOrder', user: 1001, total: 5, via: 'app-1' }));
      await cluster.clock.advance(500);
      const [first] = await settle(cluster, cluster.send({ do: 'readOrders', user: 1001, via: 'app-1' }));
      const [second] = await settle(cluster, cluster.send({ do: 'readOrders', user: 1001, via: 'app-1' }));
      expect([first.node, first.orderIds.length, second.node, second.orderIds.length]).toEqual([
        'replica-1',
        1,
        'replica-2',
        0,
      ]);
      const verdict = classifyReads(cluster.history.all()).find((v) => v.op === second.op);
      expect(verdict?.anomalies).toContain('monotonic');
      expect(verdict?.vanished).toMatchObject({ node: 'replica-1', orderIds: [first.orderIds[0]] });
    } finally {
      await cluster.close();
    }
  });
});
