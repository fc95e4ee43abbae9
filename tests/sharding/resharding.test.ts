/**
 * Resharding on real shards, phase by phase: a scatter query in every phase counts each
 * order once (the target's copies are not double-counted), "my orders" keeps answering, a
 * write on a moving key waits only for the switch and lands on the new shard, per-shard
 * serial ids abort a move with nothing lost, the snapshot shows the shards and the move,
 * and the same seed gives the same history.
 */
import { describe, expect, it } from 'vitest';
import { Cluster, RESHARD_PHASES, type ReshardPhase, shardingFacts } from '../../src/engine/index.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { bootCluster, settle } from '../harness.ts';

const boot = (users = 60) => bootCluster({ replicas: 1, users, seed: 5 });

/** Every order on every shard, by (order_id, user_id): the truth a scatter query must match. */
async function distinctOrders(c: Cluster): Promise<number> {
  const keys = new Set<string>();
  for (const name of c.sharding.shards.live()) {
    const r = await c.sharding.shards.db(name).query('SELECT order_id, user_id FROM orders');
    for (const row of r.rows) keys.add(`${row.order_id}/${row.user_id}`);
  }
  return keys.size;
}

const phaseSeen = (c: Cluster, phase: ReshardPhase) => c.history.ofType('shard.phase').some((e) => e.phase === phase);

describe('resharding', () => {
  it('answers scatter queries and reads in every phase, counting each order once', async () => {
    const c = await boot();
    try {
      expect(c.getSnapshot().sharding).toBeUndefined();
      await settle(c, c.send({ do: 'setSharding', strategy: 'modulo', shards: 2, ids: 'global' }));
      await settle(c, c.send({ do: 'startLoad', writesPerSec: 100, readsPerSec: 0, users: 60 }));
      await c.clock.runUntil(1500);
      const move = c.send({ do: 'addShard' });
      for (const phase of RESHARD_PHASES) {
        await c.clock.runWhile(() => !phaseSeen(c, phase));
        expect(c.getSnapshot().sharding?.move?.phase).toBe(phase);
        const [count] = await settle(c, c.send({ do: 'scatterQuery', query: 'order-count' }));
        // Writes acknowledged meanwhile are on the shards too: compare with the rows as the query ran.
        const truth = await distinctOrders(c);
        expect(Math.abs(Number(count.rows[0].orders) - truth)).toBeLessThanOrEqual(3);
        const [read] = await settle(c, c.send({ do: 'readOrders', user: 1001 }));
        expect(read.ok).toBe(true);
      }
      const [done] = await settle(c, move);
      expect(done.phase).toBe('done');
      await settle(c, c.send({ do: 'stopLoad' }));
      await c.clock.runUntil(c.clock.now() + 100);
      const [count] = await settle(c, c.send({ do: 'scatterQuery', query: 'order-count' }));
      expect(count.rows[0].orders).toBe(await distinctOrders(c));
      const facts = await shardingFacts(c.sharding, c.history);
      expect(facts).toMatchObject({ lostRows: 0, duplicatedRows: 0, duplicateIds: [] });
    } finally {
      await c.close();
    }
  }, 120_000);

  it('pauses a write on a moving key only until routing flips, then places it on the new shard', async () => {
    const c = await boot(20);
    try {
      await settle(c, c.send({ do: 'setSharding', strategy: 'modulo', shards: 2, ids: 'global' }));
      const move = c.send({ do: 'addShard' });
      await c.clock.runWhile(() => !phaseSeen(c, 'switch-writes'));
      // 1004: 1004 % 2 = 0 before, 1004 % 3 = 2 after: it moves to shard-2.
      const [w] = await settle(c, c.send({ do: 'placeOrder', user: 1004, total: 5 }));
      const [m] = await settle(c, move);
      expect(w).toMatchObject({ ok: true, node: 'shard-2' });
      const ok = c.history.ofType('shard.write.ok').at(-1);
      expect(ok?.pausedMs).toBeGreaterThan(0);
      expect(ok?.pausedMs).toBeLessThanOrEqual(m.writePauseMs);
      expect(m.pausedWrites).toBe(1);
      // A key that does not move is never paused.
      expect(c.history.ofType('shard.write.ok').filter((e) => e.pausedMs).length).toBe(1);
    } finally {
      await c.close();
    }
  }, 120_000);

  it('aborts a move whose copied ids collide (per-shard serials): routing unchanged, nothing lost', async () => {
    const c = await boot(20);
    try {
      await settle(c, c.send({ do: 'setSharding', strategy: 'modulo', shards: 2 }));
      await settle(c, ...[1000, 1001, 1002, 1003].map((user) => c.send({ do: 'placeOrder', user, total: 10 })));
      const before = c.sharding.placement;
      const [m] = await settle(c, c.send({ do: 'addShard' }));
      expect(m.phase).toBe('failed');
      expect(m.error).toMatch(/orders_pkey/);
      expect(c.sharding.placement).toBe(before);
      const snap = c.getSnapshot().sharding;
      expect(snap?.shards.map((s) => [s.name, s.state])).toEqual([
        ['shard-0', 'serving'],
        ['shard-1', 'serving'],
        ['shard-2', 'removed'],
      ]);
      expect(snap?.duplicateIds).toEqual([1, 2]);
      const facts = await shardingFacts(c.sharding, c.history);
      expect(facts).toMatchObject({ lostRows: 0, duplicateIds: [1, 2] });
      const [read] = await settle(c, c.send({ do: 'readOrders', user: 1003 }));
      expect(read.orderIds).toEqual([2]);
      expect(c.history.ofType('shard.note')[0].text).toMatch(/rows\[0\] is undefined/);
    } finally {
      await c.close();
    }
  }, 120_000);

  it('refuses what a sharded cluster cannot do, naming why', async () => {
    const c = await boot(20);
    try {
      await expect(settle(c, c.send({ do: 'addShard' }))).rejects.toThrow(/not sharded/);
      await settle(c, c.send({ do: 'setSharding', strategy: 'modulo', shards: 2 }));
      await expect(settle(c, c.send({ do: 'removeShard', shard: 'shard-0' }))).rejects.toThrow(/at least 2 shards/);
      await expect(settle(c, c.send({ do: 'moveShard', logicalShard: 0, to: 'shard-1' }))).rejects.toThrow(
        /hash-ranges/,
      );
      await expect(settle(c, c.send({ do: 'setSharding', strategy: 'ring', shards: 3 }))).rejects.toThrow(
        /already sharded/,
      );
      await expect(c.send({ do: 'setSharding', strategy: 'ring', shards: 9 } as never)).rejects.toThrow(
        /at most 8 shards/,
      );
      const [p] = await settle(c, c.send({ do: 'probe', category: 'Fashion' }));
      expect(p).toMatchObject({ shard: null, route: 'category Fashion -> every shard' });
    } finally {
      await c.close();
    }
  }, 120_000);

  it('replays a sharded run from its journal (the page steps back this way)', async () => {
    const c = await bootCluster({ replicas: 1, users: 40, seed: 11 });
    try {
      await settle(
        c,
        c.send({ do: 'setSharding', strategy: 'hash-ranges', shards: 2, logicalShards: 8, ids: 'global' }),
      );
      await settle(c, c.send({ do: 'startLoad', writesPerSec: 100, readsPerSec: 20, users: 40 }));
      await c.clock.runUntil(600);
      await settle(c, c.send({ do: 'addShard' }), c.send({ do: 'probe', user: 1007 }));
      await c.clock.runUntil(c.clock.now() + 300);
      const shardEvents = (x: Cluster) => JSON.stringify(x.history.all().filter((e) => e.type.startsWith('shard.')));
      const again = await Cluster.replay(inProcessFactory, c.bootSettings(), c.journalCopy(), c.clock.now());
      try {
        expect(shardEvents(again)).toBe(shardEvents(c));
        expect(again.getSnapshot().sharding?.rowsPerShard).toEqual(c.getSnapshot().sharding?.rowsPerShard);
      } finally {
        await again.close();
      }
    } finally {
      await c.close();
    }
  }, 120_000);

  it('gives the same history for the same seed', async () => {
    const runOnce = async () => {
      const c = await bootCluster({ replicas: 1, users: 40, seed: 9 });
      try {
        await settle(c, c.send({ do: 'setSharding', strategy: 'ring', shards: 2, vnodes: 16, ids: 'global' }));
        await settle(c, c.send({ do: 'startLoad', writesPerSec: 150, readsPerSec: 50, users: 40 }));
        await c.clock.runUntil(800);
        await settle(c, c.send({ do: 'addShard' }));
        return JSON.stringify(c.history.all().filter((e) => e.type.startsWith('shard.')));
      } finally {
        await c.close();
      }
    };
    expect(await runOnce()).toBe(await runOnce());
  }, 120_000);
});
