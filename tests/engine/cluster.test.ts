import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import { QUEUED_SHIPMENTS_SHOWN } from '../../src/engine/cluster/snapshot.ts';
import { parseLsn } from '../../src/engine/db/lsn.ts';
import type { SqlError } from '../../src/engine/db/types.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { bootCluster, settle } from '../harness.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const ordersOf = async (c: Cluster, node: string, user: number) =>
  (await settle(c, c.send({ do: 'readOrders', user, node })))[0].orderIds;

describe('replication on real PGlite nodes', () => {
  it("says why booting failed (the node's own error) and closes the nodes that did boot", async () => {
    const closed: string[] = [];
    const failing: typeof inProcessFactory = async (name, role) => {
      if (name === 'replica-2') throw new Error('replica-2: GET snapshot failed');
      const node = await inProcessFactory(name, role);
      const close = node.close.bind(node);
      node.close = () => {
        closed.push(name);
        return close();
      };
      return node;
    };
    await expect(Cluster.boot(failing, { replicas: 3 })).rejects.toThrow(
      'cluster failed to boot: replica-2: GET snapshot failed',
    );
    // The nodes that did boot are closed, not left running.
    expect(closed.sort()).toEqual(['primary', 'replica-1', 'replica-3']);
  });

  it('captures a write with its LSN and xid, ships it and applies it on every replica', async () => {
    cluster = await bootCluster({ seed: 1, lagMs: [300, 600, 900], jitterMs: 0 });
    const c = cluster;
    const [write] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 59.9 }));
    expect(write.ok).toBe(true);
    const ack = c.history.ofType('write.ok')[0];
    expect(ack.xid).toBeGreaterThan(0);
    expect(ack.lsn).toBe(write.lsn);
    // The primary's WAL really is at or past the entry's LSN.
    const [
      {
        results: [wal],
      },
    ] = await settle(
      c,
      c.send({ do: 'sql', node: 'primary', text: 'SELECT pg_current_wal_insert_lsn()::text AS lsn' }),
    );
    expect(parseLsn(String(wal.rows[0].lsn))).toBeGreaterThanOrEqual(ack.lsn);

    // At 200 ms the entry is on every link, with its send and arrival times.
    await c.clock.runUntil(200);
    expect(c.shipments().map((s) => [s.replica, s.stage, s.sentAt, s.arriveAt])).toEqual([
      ['replica-1', 'in-flight', 20, 320],
      ['replica-2', 'in-flight', 20, 620],
      ['replica-3', 'in-flight', 20, 920],
    ]);
    await c.clock.runUntil(400);
    expect(await ordersOf(c, 'replica-1', 1001)).toEqual([write.orderId]);
    expect(await ordersOf(c, 'replica-3', 1001)).toEqual([]);
    await c.clock.runUntil(1000);
    for (const r of ['replica-1', 'replica-2', 'replica-3'])
      expect(await ordersOf(c, r, 1001)).toEqual([write.orderId]);
    const applied = c.history.ofType('repl.applied').map((e) => [e.node, e.entry]);
    expect(applied).toEqual([
      ['replica-1', 1],
      ['replica-2', 1],
      ['replica-3', 1],
    ]);
    const status = c.getSnapshot().replication;
    for (const r of status) expect(r.replayLsn).toBe(ack.lsn);
  });

  it('returns the physical WAL records behind a log entry, ending in its commit', async () => {
    cluster = await bootCluster({ seed: 1 });
    const c = cluster;
    await settle(c, c.send({ do: 'placeOrder', user: 1002, total: 10 }));
    const ack = c.history.ofType('write.ok')[0];
    const [records] = await settle(c, c.send({ do: 'inspectWal', entry: ack.entry }));
    expect(records.every((r) => r.xid === ack.xid)).toBe(true);
    expect(records.map((r) => `${r.resourceManager}/${r.recordType}`)).toContain('Transaction/COMMIT');
    expect(records.some((r) => r.resourceManager === 'Heap' && r.recordType.startsWith('INSERT'))).toBe(true);
    // Pruned once every replica replayed it, the entry is still shown and inspectable.
    await settle(c, c.send({ do: 'placeOrder', user: 1002, total: 11 }));
    await c.drain();
    expect(c.getSnapshot().log.retainedEntries).toBe(0);
    expect(c.recentLog(5).map((e) => e.index)).toEqual([1, 2]);
    const [again] = await settle(c, c.send({ do: 'inspectWal', entry: 1 }));
    expect(again.map((r) => r.recordType)).toContain('COMMIT');
  });

  it('keeps entries in commit order on every replica even when jitter exceeds the gap between writes', async () => {
    cluster = await bootCluster({ seed: 42, lagMs: 200, jitterMs: 180 });
    const c = cluster;
    const writes = [];
    for (let i = 0; i < 30; i++) {
      writes.push(c.send({ do: 'placeOrder', user: 1000 + (i % 5), total: i + 1 }));
      await c.clock.advance(5);
    }
    await settle(c, ...writes);
    expect(await c.drain()).toBe(true);
    for (const name of c.replicaNames()) {
      const received = c.history
        .ofType('repl.received')
        .filter((e) => e.node === name)
        .map((e) => e.entry);
      const applied = c.history
        .ofType('repl.applied')
        .filter((e) => e.node === name)
        .map((e) => e.entry);
      expect(received).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(applied).toEqual(received);
    }
    expect((await c.converged()).converged).toBe(true);
  });

  it('converges row for row once lag drains, including console updates and deletes', async () => {
    cluster = await bootCluster({ seed: 3, lagMs: [2000, 50, 5000] });
    const c = cluster;
    await settle(
      c,
      c.send({ do: 'placeOrder', user: 1001, total: 5 }),
      c.send({ do: 'placeOrder', user: 1003, total: 7 }),
    );
    await settle(
      c,
      c.send({
        do: 'sql',
        node: 'primary',
        text: 'UPDATE inventory SET quantity = quantity - 3 WHERE product_id IN (1, 2); DELETE FROM orders WHERE user_id = 1003',
      }),
    );
    // The app's inserts (captured from RETURNING) and console writes (triggers) alternate; the
    // console autocommits as psql does, so its UPDATE and DELETE are two transactions.
    await settle(c, c.send({ do: 'placeOrder', user: 1003, total: 8 }));
    expect(c.getSnapshot().log.headIndex).toBe(5);
    await c.clock.advance(100);
    expect((await c.converged()).differing).toEqual(['replica-1', 'replica-3']);
    expect(await c.drain()).toBe(true);
    const result = await c.converged();
    expect(result).toEqual({ converged: true, differing: [] });
    const [rows] = await settle(
      c,
      c.send({ do: 'sql', node: 'replica-3', text: 'SELECT quantity FROM inventory WHERE product_id = 1' }),
    );
    expect(rows.results[0].rows[0].quantity).toBe(97);
  });

  it("rejects a write on a replica with PostgreSQL's read-only error and changes nothing", async () => {
    cluster = await bootCluster({ seed: 1 });
    const c = cluster;
    const attempt = c.send({
      do: 'sql',
      node: 'replica-2',
      text: 'INSERT INTO orders (user_id, total_amount, created_at) VALUES (1001, 1, now())',
    });
    const outcome = settle(c, attempt).then(
      () => 'accepted',
      (err: Error) => err.message,
    );
    expect(await outcome).toBe('cannot execute INSERT in a read-only transaction');
    const [placed] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 3, node: 'replica-2' }));
    expect(placed).toMatchObject({
      ok: false,
      error: 'cannot execute INSERT in a read-only transaction',
      code: '25006',
    });
    const [
      {
        results: [count],
      },
    ] = await settle(c, c.send({ do: 'sql', node: 'replica-2', text: 'SELECT count(*)::int AS n FROM orders' }));
    expect(count.rows[0].n).toBe(0);
    expect(c.getSnapshot().log.headIndex).toBe(0);
  });

  it('keeps a bad console statement from losing what committed before it', async () => {
    cluster = await bootCluster({ seed: 1, lagMs: 10, jitterMs: 0 });
    const c = cluster;
    const failing = settle(
      c,
      c.send({
        do: 'sql',
        node: 'primary',
        text: 'INSERT INTO orders (user_id, total_amount, created_at) VALUES (1004, 9, now()); COMMIT; SELECT 1/0;',
      }),
    ).catch((err: Error) => err.message);
    expect(await failing).toBe('division by zero');
    // Error positions count within the SQL the user typed, as psql reports them.
    const syntax = await settle(c, c.send({ do: 'sql', node: 'primary', text: 'SELECT 1;\nSELEC 2' })).catch(
      (err: SqlError) => err.info,
    );
    expect(syntax).toMatchObject({ code: '42601', position: '11' });
    expect(c.getSnapshot().log.headIndex).toBe(1);
    await c.drain();
    expect(await ordersOf(c, 'replica-1', 1004)).toHaveLength(1);
  });

  it('prunes the log once every replica replayed it, and a disconnected replica makes it grow', async () => {
    cluster = await bootCluster({ seed: 5, lagMs: 100, jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 1 }));
    await c.drain();
    expect(c.getSnapshot().log).toMatchObject({ retainedEntries: 0, prunedEntries: 1 });

    await settle(c, c.send({ do: 'disconnect', node: 'replica-2' }));
    for (let i = 0; i < 5; i++) await settle(c, c.send({ do: 'placeOrder', user: 1002, total: i + 1 }));
    await c.drain();
    const grown = c.getSnapshot();
    expect(grown.log.retainedEntries).toBe(5);
    expect(grown.log.retainedBytes).toBeGreaterThan(0);
    expect(grown.replication.find((r) => r.name === 'replica-2')).toMatchObject({
      state: 'disconnected',
      behindEntries: 5,
    });
    expect(await ordersOf(c, 'replica-2', 1002)).toEqual([]);

    await settle(c, c.send({ do: 'reconnect', node: 'replica-2' }));
    expect(await c.drain()).toBe(true);
    expect(c.getSnapshot().log.retainedEntries).toBe(0);
    expect(await ordersOf(c, 'replica-2', 1002)).toHaveLength(5);
    expect((await c.converged()).converged).toBe(true);
  });

  it('drops what was in flight when the link breaks and resends it after reconnecting', async () => {
    cluster = await bootCluster({ seed: 5, lagMs: 1000, jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 1 }));
    await settle(c, c.send({ do: 'disconnect', node: 'replica-1' }));
    expect(c.history.ofType('repl.dropped')).toMatchObject([{ node: 'replica-1', entries: [1] }]);
    await c.clock.advance(3000);
    expect(await ordersOf(c, 'replica-1', 1001)).toEqual([]);
    await settle(c, c.send({ do: 'reconnect', node: 'replica-1' }));
    await c.clock.advance(1100);
    expect(await ordersOf(c, 'replica-1', 1001)).toHaveLength(1);
  });

  it('receives at once but replays only after the apply delay (recovery_min_apply_delay)', async () => {
    cluster = await bootCluster({ seed: 2, lagMs: 100, jitterMs: 0, applyDelayMs: [2000, 0, 0] });
    const c = cluster;
    const [w] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 1 }));
    await c.clock.runUntil(500);
    const r1 = c.getSnapshot().replication[0];
    expect(r1.flush_lsn).not.toBe(r1.replay_lsn);
    expect(await ordersOf(c, 'replica-1', 1001)).toEqual([]);
    expect(await ordersOf(c, 'replica-2', 1001)).toEqual([w.orderId]);
    await c.clock.runUntil(2100);
    expect(c.getSnapshot().replication[0].replayLsn).toBe(w.lsn);
    expect(await ordersOf(c, 'replica-1', 1001)).toEqual([w.orderId]);
  });

  it('snapshots carry only the oldest of a long replay queue, and count it all', async () => {
    cluster = await bootCluster({ seed: 2, lagMs: 10, jitterMs: 0, applyDelayMs: [60_000, 0, 0] });
    const c = cluster;
    const orders = QUEUED_SHIPMENTS_SHOWN + 16;
    await settle(
      c,
      ...Array.from({ length: orders }, (_, i) => c.send({ do: 'placeOrder', user: 1001, total: i + 1 })),
    );
    await c.clock.runUntil(1000);
    const snap = c.getSnapshot();
    const queued = snap.shipments.filter((s) => s.replica === 'replica-1' && s.stage === 'queued');
    expect(queued.map((s) => s.entry)).toEqual(Array.from({ length: QUEUED_SHIPMENTS_SHOWN }, (_, i) => i + 1));
    expect(snap.replication[0].queued).toBe(orders);
    // The cluster's own list (tests, the CLI) still has them all.
    expect(c.shipments().filter((s) => s.replica === 'replica-1')).toHaveLength(orders);
  });

  it('lets a slow-applying replica fall behind on a fast link', async () => {
    cluster = await bootCluster({ seed: 2, lagMs: 10, jitterMs: 0, applyRatePerSec: [10, 5000, 5000] });
    const c = cluster;
    await settle(c, ...Array.from({ length: 20 }, (_, i) => c.send({ do: 'placeOrder', user: 1001, total: i + 1 })));
    await c.clock.runUntil(1000);
    const [slow, fast] = c.getSnapshot().replication;
    expect(fast.behindEntries).toBe(0);
    expect(slow.behindEntries).toBeGreaterThanOrEqual(9);
    expect(slow.queued).toBe(slow.behindEntries);
    await c.drain();
    expect(c.clock.now()).toBeGreaterThanOrEqual(2000);
  });

  it('takes a killed replica out of service and lets it catch up after recovery', async () => {
    cluster = await bootCluster({ seed: 2, lagMs: 500, jitterMs: 0, restartMs: 1000 });
    const c = cluster;
    await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 1 }));
    await settle(c, c.send({ do: 'killNode', node: 'replica-1' }));
    expect(c.history.ofType('repl.dropped')).toMatchObject([{ node: 'replica-1', entries: [1] }]);
    const [read] = await settle(c, c.send({ do: 'readOrders', user: 1001, node: 'replica-1' }));
    expect(read).toMatchObject({ ok: false, error: 'could not connect to server: Connection refused' });
    await settle(c, c.send({ do: 'restartNode', node: 'replica-1' }));
    expect(c.getSnapshot().nodes.find((n) => n.name === 'replica-1')?.status).toBe('recovering');
    await c.clock.advance(999);
    expect(c.statusOf('replica-1')).toBe('recovering');
    await c.clock.advance(2);
    expect(c.statusOf('replica-1')).toBe('up');
    await c.drain();
    expect(await ordersOf(c, 'replica-1', 1001)).toHaveLength(1);
  });

  it('fails writes while the primary is down and replicates them again once it is back', async () => {
    cluster = await bootCluster({ seed: 2, restartMs: 500 });
    const c = cluster;
    await settle(c, c.send({ do: 'killNode', node: 'primary' }));
    const [w] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 1 }));
    expect(w).toMatchObject({ ok: false, error: 'could not connect to server: Connection refused' });
    await settle(c, c.send({ do: 'restartNode', node: 'primary' }));
    await c.clock.advance(600);
    const [w2] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 2 }));
    expect(w2.ok).toBe(true);
    await c.drain();
    expect((await c.converged()).converged).toBe(true);
  });
});

describe('determinism', () => {
  async function run(seed: number) {
    const c = await bootCluster({ seed, lagMs: [200, 300, 400], jitterMs: 150 });
    try {
      const ops = [];
      for (let i = 0; i < 12; i++) {
        ops.push(c.send({ do: 'placeOrder', user: 1000 + (i % 3), total: i + 1 }));
        if (i % 3 === 0) ops.push(c.send({ do: 'readOrders', user: 1000 + (i % 3) }));
        await c.clock.advance(37);
      }
      await settle(c, ...ops);
      await c.drain();
      return JSON.stringify(c.history.all());
    } finally {
      await c.close();
    }
  }

  it('gives the identical history for the same seed and steps, and a different one for another seed', async () => {
    const a = await run(99);
    const b = await run(99);
    const other = await run(100);
    expect(b).toBe(a);
    expect(other).not.toBe(a);
  });
});
