import { afterEach, describe, expect, it } from 'vitest';
import { Cluster, type NodeFactory } from '../../src/engine/cluster/cluster.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { bootCluster, settle } from '../harness.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const phases = (c: Cluster) => c.history.ofType('failover.phase').map((e) => [e.phase, e.node, e.at]);
const lost = (c: Cluster) => c.history.ofType('failover.lost').flatMap((e) => e.orderIds);

/** Places `n` orders 10 ms apart, waiting for each acknowledgement. */
async function orders(c: Cluster, n: number, user = 1001): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const [w] = await settle(c, c.send({ do: 'placeOrder', user, total: i + 1 }));
    if (w.orderId !== undefined && w.ok) ids.push(w.orderId);
    await c.clock.advance(10);
  }
  return ids;
}

describe('automatic failover on real PGlite nodes', () => {
  it("reproduces the seed's timeline: detect at 5 s, elect at 10 s, endpoint moved and writes resume at 20 s", async () => {
    cluster = await bootCluster({
      seed: 1,
      lagMs: 100,
      jitterMs: 0,
      healthCheck: { intervalMs: 1500, timeoutMs: 500, retries: 3 },
      failoverTimings: { electMs: 5000, promoteMs: 5000, repointMs: 0, endpointMs: 5000 },
    });
    const c = cluster;
    await settle(c, c.send({ do: 'setPromotionPolicy', policy: 'first-replica' }));
    await settle(c, c.send({ do: 'killNode', node: 'primary' }));
    const writes = [];
    for (let t = 1000; t <= 22_000; t += 1000) {
      await c.clock.runUntil(t);
      writes.push(c.send({ do: 'placeOrder', user: 1002, total: 1 }));
    }
    const results = await settle(c, ...writes);
    expect(phases(c)).toEqual([
      ['detect', 'primary', 5000],
      ['elect', 'replica-1', 10_000],
      ['promote', 'replica-1', 10_000],
      ['repoint', 'replica-1', 15_000],
      ['endpoint', 'replica-1', 20_000],
    ]);
    const firstOk = results.findIndex((w) => w.ok);
    expect(results.slice(0, firstOk).every((w) => w.error === 'could not connect to server: Connection refused')).toBe(
      true,
    );
    expect(results[firstOk]).toMatchObject({ ok: true, node: 'replica-1' });
    expect(c.getSnapshot().failover).toMatchObject({ primary: 'replica-1', endpoint: 'replica-1', timeline: 2 });
    expect(c.primaryName()).toBe('replica-1');
  });

  it('loses the acknowledged async orders the promoted replica never received, and lists them', async () => {
    cluster = await bootCluster({ seed: 2, lagMs: [3000, 200, 3000], jitterMs: 0 });
    const c = cluster;
    const before = await orders(c, 2);
    await c.clock.advance(3500); // everyone has these two
    const recent = await orders(c, 3); // replica-2 will have these after 200 ms; the others not
    await c.clock.advance(300);
    await settle(c, c.send({ do: 'killNode', node: 'primary' }));
    await c.clock.advance(10_000);
    expect(c.primaryName()).toBe('replica-2');
    expect(lost(c)).toEqual([]);
    const [after] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 9 }));
    expect(after.ok).toBe(true);
    expect(after.orderId).toBe(34); // sequences jump after a promotion: 5 ids used, next logged value 33 + 1
    await c.drain();
    const [read] = await settle(c, c.send({ do: 'readOrders', user: 1001, node: 'replica-1' }));
    expect(read.orderIds).toEqual([...before, ...recent, after.orderId]);
    expect((await c.converged()).converged).toBe(true);
  });

  it("shows the seed's 'always replica 1' losing orders the most up-to-date replica had", async () => {
    for (const policy of ['first-replica', 'most-up-to-date'] as const) {
      const c = await bootCluster({ seed: 3, lagMs: [5000, 100, 100], jitterMs: 0 });
      try {
        await settle(c, c.send({ do: 'setPromotionPolicy', policy }));
        const ids = await orders(c, 3);
        await c.clock.advance(200);
        await settle(c, c.send({ do: 'killNode', node: 'primary' }));
        await c.clock.advance(8000);
        if (policy === 'first-replica') {
          expect(c.primaryName()).toBe('replica-1');
          expect(lost(c)).toEqual(ids);
          // replica-2 and replica-3 had those orders: pg_rewind throws them away.
          expect(c.history.ofType('node.rewound').map((e) => [e.node, e.discardedOrderIds])).toEqual([
            ['replica-2', ids],
            ['replica-3', ids],
          ]);
        } else {
          expect(c.primaryName()).toBe('replica-2');
          expect(lost(c)).toEqual([]);
        }
        await c.drain();
        expect((await c.converged()).converged).toBe(true);
      } finally {
        await c.close();
      }
    }
  });

  it('keeps every acknowledged order under semi-sync', async () => {
    cluster = await bootCluster({ seed: 4, lagMs: [3000, 300, 3000], jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'setMode', mode: 'semi-sync', timeoutMs: 10_000 }));
    const ids = await orders(c, 3);
    await settle(c, c.send({ do: 'killNode', node: 'primary' }));
    await c.clock.advance(10_000);
    expect(lost(c)).toEqual([]);
    const [read] = await settle(c, c.send({ do: 'readOrders', user: 1001, node: c.primaryName() }));
    expect(read.orderIds).toEqual(ids);
  });

  it('fences a partitioned primary before promoting, so it never takes writes again; it rejoins after throwing away its tail', async () => {
    cluster = await bootCluster({ seed: 5, lagMs: 100, jitterMs: 0, restartMs: 500 });
    const c = cluster;
    await orders(c, 1);
    await c.clock.advance(200);
    await settle(c, c.send({ do: 'partition', node: 'primary' }));
    const stranded = await orders(c, 2); // acknowledged by the partitioned primary, never shipped
    await c.clock.advance(8000);
    expect(c.history.ofType('node.fenced').map((e) => e.node)).toEqual(['primary']);
    expect(lost(c)).toEqual(stranded);
    const [direct] = await settle(c, c.send({ do: 'placeOrder', user: 1003, total: 1, node: 'primary' }));
    expect(direct.ok).toBe(false);
    expect(c.getSnapshot().failover.splitBrain).toBe(false);

    await settle(c, c.send({ do: 'heal' }));
    await settle(c, c.send({ do: 'restartNode', node: 'primary' }));
    await c.clock.advance(1000);
    expect(c.history.ofType('node.rewound').find((e) => e.node === 'primary')?.discardedOrderIds).toEqual(stranded);
    expect(c.replicaNames()).toContain('primary');
    const [refused] = await settle(c, c.send({ do: 'placeOrder', user: 1003, total: 1, node: 'primary' }));
    expect(refused.error).toBe('cannot execute INSERT in a read-only transaction');
    await settle(c, c.send({ do: 'placeOrder', user: 1003, total: 2 }));
    await c.drain();
    expect((await c.converged()).converged).toBe(true);
  });

  it('without fencing, a partitioned primary keeps taking writes while another is promoted: split brain', async () => {
    cluster = await bootCluster({ seed: 6, lagMs: 100, jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'setFencing', on: false }));
    await orders(c, 1);
    await c.clock.advance(200);
    await settle(c, c.send({ do: 'partition', node: 'primary' }));
    await c.clock.advance(8000);
    const newPrimary = c.primaryName();
    expect(newPrimary).not.toBe('primary');
    const [old] = await settle(c, c.send({ do: 'placeOrder', user: 1004, total: 5, node: 'primary' }));
    const [fresh] = await settle(c, c.send({ do: 'placeOrder', user: 1004, total: 6 }));
    expect([old.ok, old.node, fresh.ok, fresh.node]).toEqual([true, 'primary', true, newPrimary]);
    const snap = c.getSnapshot().failover;
    expect(snap.splitBrain).toBe(true);
    expect(snap.divergent.primary).toEqual([old.orderId]);
    expect(c.history.ofType('split-brain')).toHaveLength(1);
  });
});

describe('a failover whose promotion fails', () => {
  /** Boots nodes whose first promotion to primary is refused by the database itself. */
  const refusingFirstPromotion = (): NodeFactory => {
    let refused = false;
    return async (name, role) => {
      const node = await inProcessFactory(name, role);
      return new Proxy(node, {
        get(target, prop, receiver) {
          if (prop !== 'setRole') return Reflect.get(target, prop, receiver);
          return async (next: typeof role) => {
            if (next === 'primary' && !refused) {
              refused = true;
              throw new Error('could not leave recovery: the control file is damaged');
            }
            return target.setRole(next);
          };
        },
      });
    };
  };

  it('records the failure, shows it in the snapshot, and promotes another replica at the next detection', async () => {
    cluster = await Cluster.boot(refusingFirstPromotion(), {
      seed: 7,
      replicas: 2,
      lagMs: 100,
      jitterMs: 0,
      healthCheck: { intervalMs: 1000, timeoutMs: 300, retries: 3 },
      failoverTimings: { electMs: 200, promoteMs: 400, repointMs: 100, endpointMs: 500 },
    });
    const c = cluster;
    await settle(c, c.send({ do: 'setPromotionPolicy', policy: 'first-replica' }));
    await settle(c, c.send({ do: 'killNode', node: 'primary' }));
    await c.clock.runUntil(3600);
    const failed = c.history.ofType('failover.phase').find((e) => e.phase === 'failed');
    expect(failed).toMatchObject({ node: 'replica-1', at: 3500 });
    expect(failed?.detail).toMatch(
      /^promotion of replica-1 failed: could not leave recovery: the control file is damaged; replica-1 left replication/,
    );
    expect(c.replicaNames()).toEqual(['replica-2']);
    const during = c.getSnapshot().failover;
    expect(during).toMatchObject({ state: 'promotionFailed', primary: 'primary', endpoint: 'primary', fenced: [] });
    expect(during.failovers).toEqual([{ oldPrimary: 'primary', detectedAt: 3300 }]);

    // Like Patroni's loop, the manager keeps going: the primary is still dead, so it is
    // declared dead again and the next replica is promoted.
    await c.clock.runUntil(8100);
    expect(phases(c)).toEqual([
      ['detect', 'primary', 3300],
      ['elect', 'replica-1', 3500],
      ['failed', 'replica-1', 3500],
      ['detect', 'primary', 6800],
      ['elect', 'replica-2', 7000],
      ['promote', 'replica-2', 7000],
      ['repoint', 'replica-2', 7400],
      ['endpoint', 'replica-2', 8000],
    ]);
    const after = c.getSnapshot().failover;
    expect(after).toMatchObject({ state: 'monitoring', primary: 'replica-2', endpoint: 'replica-2', timeline: 2 });
    expect(after.failovers).toEqual([
      { oldPrimary: 'primary', detectedAt: 3300, promoted: 'replica-2', promotedAt: 7000, endpointMovedAt: 8000 },
    ]);
    const [write] = await settle(c, c.send({ do: 'placeOrder', user: 1005, total: 3 }));
    expect(write).toMatchObject({ ok: true, node: 'replica-2' });
  });
});
