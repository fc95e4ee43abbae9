/**
 * A shard killed on real PGlite shards: only its users lose their orders and reads (with
 * libpq's connection error), the other shards go on, a scatter query fails naming it (no
 * partial answer), no move starts while it is down; restarted, it answers with the rows it
 * had. The history records each step once.
 */
import { describe, expect, it } from 'vitest';
import { CONNECTION_REFUSED } from '../../src/engine/index.ts';
import { bootCluster, settle } from '../harness.ts';

describe('a shard down', () => {
  it('fails only its own users, fails scatter queries, blocks moves, and comes back with its rows', async () => {
    const c = await bootCluster({ replicas: 1, users: 20, seed: 3 });
    try {
      await expect(settle(c, c.send({ do: 'killShard', shard: 'shard-1' }))).rejects.toThrow(
        'the cluster is not sharded',
      );
      await settle(c, c.send({ do: 'setSharding', strategy: 'modulo', shards: 4, ids: 'global' }));
      // user_id % 4: user 1001 lives on shard-1, user 1002 on shard-2.
      const [before] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 10 }));
      expect(before).toMatchObject({ ok: true, node: 'shard-1' });

      await settle(c, c.send({ do: 'killShard', shard: 'shard-1' }));
      expect(c.getSnapshot().sharding?.shards.map((s) => [s.name, s.down])).toEqual([
        ['shard-0', false],
        ['shard-1', true],
        ['shard-2', false],
        ['shard-3', false],
      ]);
      await expect(settle(c, c.send({ do: 'killShard', shard: 'shard-1' }))).rejects.toThrow('already down');

      const [lost, kept] = await settle(
        c,
        c.send({ do: 'placeOrder', user: 1001, total: 11 }),
        c.send({ do: 'placeOrder', user: 1002, total: 12 }),
      );
      expect(lost).toMatchObject({ ok: false, node: 'shard-1', error: CONNECTION_REFUSED });
      expect(kept).toMatchObject({ ok: true, node: 'shard-2' });
      const [read] = await settle(c, c.send({ do: 'readOrders', user: 1001 }));
      expect(read).toMatchObject({ ok: false, node: 'shard-1', error: CONNECTION_REFUSED, orderIds: [] });

      const [scatter] = await settle(c, c.send({ do: 'scatterQuery', query: 'order-count' }));
      expect(scatter).toMatchObject({ rows: [], downShards: ['shard-1'], error: `shard-1: ${CONNECTION_REFUSED}` });
      expect(c.getSnapshot().sharding?.lastScatter?.error).toBe(scatter.error);
      await expect(settle(c, c.send({ do: 'addShard' }))).rejects.toThrow('shard-1 is down: restart it first');

      await settle(c, c.send({ do: 'restartShard', shard: 'shard-1' }));
      const [after] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 13 }));
      expect(after).toMatchObject({ ok: true, node: 'shard-1' });
      const [reread] = await settle(c, c.send({ do: 'readOrders', user: 1001 }));
      expect(reread.orderIds).toEqual(expect.arrayContaining([before.orderId, after.orderId]));
      expect(reread.orderIds).toHaveLength(2);
      const [count] = await settle(c, c.send({ do: 'scatterQuery', query: 'order-count' }));
      expect(count.error).toBeUndefined();
      await expect(settle(c, c.send({ do: 'restartShard', shard: 'shard-1' }))).rejects.toThrow('is not down');

      const types = c.history
        .all()
        .map((e) => e.type)
        .filter((t) =>
          ['shard.down', 'shard.up', 'shard.write.fail', 'shard.read.fail', 'shard.scatter.fail'].includes(t),
        );
      expect(types).toEqual(['shard.down', 'shard.write.fail', 'shard.read.fail', 'shard.scatter.fail', 'shard.up']);
    } finally {
      await c.close();
    }
  }, 120_000);
});
