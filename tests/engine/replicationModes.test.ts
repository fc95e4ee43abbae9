import { afterEach, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/engine/cluster/cluster.ts';
import { bootCluster, settle } from '../harness.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** Places an order and returns its latency (ack - invoke) in engine ms. */
async function writeLatency(c: Cluster, user = 1001): Promise<number> {
  const start = c.clock.now();
  const [w] = await settle(c, c.send({ do: 'placeOrder', user, total: 1 }));
  expect(w.ok).toBe(true);
  return c.clock.now() - start;
}

const sync = (level: 'remote_write' | 'on' | 'remote_apply', standbys: string) => ({
  mode: 'sync' as const,
  level,
  standbys,
});

describe('replication modes on real PGlite nodes', () => {
  it("reproduces the seed's 50 / 100 / 250 ms write latencies from the model", async () => {
    cluster = await bootCluster({ seed: 1, commitMs: 50, lagMs: 25, jitterMs: 0 });
    const c = cluster;
    expect(await writeLatency(c)).toBe(50);
    await settle(c, c.send({ do: 'setMode', mode: 'semi-sync', timeoutMs: 10_000 }));
    expect(await writeLatency(c)).toBe(100);
    await settle(c, c.send({ do: 'setLag', node: 'replica-1', ms: 100 }));
    await settle(c, c.send({ do: 'setMode', ...sync('remote_apply', 'FIRST 1 (replica-1)') }));
    expect(await writeLatency(c)).toBeCloseTo(250, 0);
  });

  it('with an apply delay on the sync standby, on returns fast but stays stale there; only remote_apply is fresh', async () => {
    cluster = await bootCluster({ seed: 1, lagMs: 10, jitterMs: 0, applyDelayMs: [2000, 0, 0] });
    const c = cluster;
    await settle(c, c.send({ do: 'setMode', ...sync('on', 'FIRST 1 (replica-1)') }));
    expect(await writeLatency(c)).toBe(40);
    const [stale] = await settle(c, c.send({ do: 'readOrders', user: 1001, node: 'replica-1' }));
    expect(stale.orderIds).toEqual([]);

    await settle(c, c.send({ do: 'setMode', ...sync('remote_apply', 'FIRST 1 (replica-1)') }));
    const latency = await writeLatency(c, 1002);
    expect(latency).toBeGreaterThanOrEqual(2000);
    const [fresh] = await settle(c, c.send({ do: 'readOrders', user: 1002, node: 'replica-1' }));
    expect(fresh.orderIds).toHaveLength(1);
  });

  it('waits forever with no synchronous standby, hides the waiting row on the primary, and moves on to the next listed standby', async () => {
    cluster = await bootCluster({ seed: 1, lagMs: 10, jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'setMode', ...sync('on', 'FIRST 1 (replica-1)') }));
    await settle(c, c.send({ do: 'disconnect', node: 'replica-1' }));
    let acked = false;
    const stuck = c.send({ do: 'placeOrder', user: 1003, total: 9 }).then((w) => {
      acked = true;
      return w;
    });
    await c.clock.advance(60_000);
    expect(acked).toBe(false);
    expect(c.getSnapshot().waitingCommits).toMatchObject([
      { kind: 'orders', waitingFor: ['1 more synchronous standby'] },
    ]);
    const [onPrimary] = await settle(c, c.send({ do: 'readOrders', user: 1003, node: 'primary' }));
    expect(onPrimary.orderIds).toEqual([]);

    await settle(c, c.send({ do: 'reconnect', node: 'replica-1' }));
    const [w] = await settle(c, stuck);
    expect(w.ok).toBe(true);
    const [visible] = await settle(c, c.send({ do: 'readOrders', user: 1003, node: 'primary' }));
    expect(visible.orderIds).toEqual([w.orderId]);

    // FIRST 1 (replica-1, replica-2): with replica-1 down, replica-2 is the synchronous standby.
    await settle(c, c.send({ do: 'setMode', ...sync('on', 'FIRST 1 (replica-1, replica-2)') }));
    await settle(c, c.send({ do: 'killNode', node: 'replica-1' }));
    expect(await writeLatency(c)).toBe(40);
  });

  it('falls back from semi-sync to async after the timeout and returns once a replica catches up', async () => {
    cluster = await bootCluster({ seed: 1, lagMs: 10, jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'setMode', mode: 'semi-sync', timeoutMs: 10_000 }));
    for (const r of c.replicaNames()) await settle(c, c.send({ do: 'disconnect', node: r }));
    expect(await writeLatency(c)).toBe(10_020);
    expect(c.getSnapshot().replicationModes.orders).toMatchObject({ mode: 'semi-sync', fallenBack: true });
    expect(await writeLatency(c)).toBe(20);
    await settle(c, c.send({ do: 'reconnect', node: 'replica-2' }));
    await c.clock.advance(100);
    expect(c.getSnapshot().replicationModes.orders.fallenBack).toBeUndefined();
    expect(c.history.ofType('mode.changed').map((e) => e.reason)).toEqual([
      'set',
      'set',
      'semi-sync: no replica acknowledged within 10000 ms, fell back to async',
      'a replica caught up: semi-sync again',
    ]);
    expect(await writeLatency(c)).toBe(40);
  });
});
