import { afterEach, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/engine/index.ts';
import { bootCluster, settle } from '../harness.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('the shop’s customers (settings.users)', () => {
  it('has as many users as asked on every node, and refuses a user it does not have, naming the range', async () => {
    cluster = await bootCluster({ seed: 5, users: 30, lagMs: 50, jitterMs: 0 });
    const c = cluster;
    const [w] = await settle(c, c.send({ do: 'placeOrder', user: 1029, total: 8 }));
    expect(w.ok).toBe(true);
    await c.drain();
    const [read] = await settle(c, c.send({ do: 'readOrders', user: 1029, node: 'replica-2' }));
    expect(read.orderIds).toEqual([w.orderId]);
    await expect(c.send({ do: 'placeOrder', user: 1030, total: 8 })).rejects.toThrow(
      'placeOrder: field "user": there is no user 1030 (users are 1000-1029; raise settings.users for more)',
    );
    // Nothing of the refused command reached the history or the journal.
    expect(c.history.ofType('write.invoke')).toHaveLength(1);
    expect(c.journalCopy().map((e) => e.command.do)).toEqual(['placeOrder', 'readOrders']);
    expect(await c.converged()).toEqual({ converged: true, differing: [] });
  });
});
