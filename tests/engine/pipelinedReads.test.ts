/**
 * A read is sent to its node in the event that issues it and answered readMs later; the
 * clock does not wait for the node in between, so other events (and other nodes) run
 * meanwhile. What the read returns must still be the node as it was when the read was sent.
 */
import { describe, expect, it } from 'vitest';
import { bootInProcessNode } from '../../src/platform/node/inProcessNode.ts';
import { loadSnapshot } from '../../src/platform/node/nodeFactory.ts';
import { bootCluster, settle } from '../harness.ts';

const ordersOf = (user: number) => `SELECT order_id FROM orders WHERE user_id = ${user} ORDER BY order_id`;

describe('pipelined reads', () => {
  it('an in-process node serves requests one at a time, in the order they were sent', async () => {
    const node = await bootInProcessNode(loadSnapshot(), 'primary');
    try {
      // A first read of a text prepares it, then executes it: two statements. An insert sent
      // right after (not awaited) must wait for both, as a worker node serves requests.
      const before = node.read(ordersOf(1001));
      const insert = node.exec(
        "INSERT INTO orders (user_id, total_amount, status, created_at) VALUES (1001, 10, 'PENDING', now())",
      );
      const after = node.read(ordersOf(1001));
      const [b, , a] = await Promise.all([before, insert, after]);
      expect(a.rows).toHaveLength(b.rows.length + 1);
    } finally {
      await node.close();
    }
  }, 120_000);

  it('a read answered later returns the node as it was when the read was sent', async () => {
    const cluster = await bootCluster({ seed: 7, readMs: 50 });
    try {
      const user = 1001;
      const read = cluster.send({ do: 'readOrders', user, node: 'primary' });
      // The order is placed 10 ms after the read was sent and commits before its answer.
      await cluster.clock.advance(10);
      const [placed, seen] = await settle(cluster, cluster.send({ do: 'placeOrder', user, total: 10 }), read);
      expect(placed.ok).toBe(true);
      expect(seen.ok).toBe(true);
      const history = cluster.history.all();
      const at = (type: string) => history.find((e) => e.type === type)?.at ?? Number.NaN;
      expect(at('write.invoke')).toBeLessThan(at('read.ok'));
      expect(seen.orderIds).not.toContain(placed.ok ? placed.orderId : -1);
      const again = await settle(cluster, cluster.send({ do: 'readOrders', user, node: 'primary' }));
      expect(again[0].orderIds).toEqual([...seen.orderIds, placed.ok ? placed.orderId : -1]);
    } finally {
      await cluster.close();
    }
  }, 120_000);
});
