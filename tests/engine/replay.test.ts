import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { bootCluster } from '../harness.ts';

describe('replay (stepping back)', () => {
  it('rebuilds the exact state of an earlier moment from the journal, then runs on from there', async () => {
    const original = await bootCluster({ seed: 5, lagMs: [300, 900, 150], jitterMs: 80, restartMs: 400 });
    let rebuilt: Cluster | undefined;
    try {
      const c = original;
      void c.send({ do: 'placeOrder', user: 1001, total: 10 });
      await c.clock.step(); // stop mid-moment: other events at this time are still due
      await c.clock.step();
      void c.send({ do: 'readOrders', user: 1001 });
      await c.clock.advance(120);
      void c.send({ do: 'setLag', node: 'replica-2', ms: 2000 });
      void c.send({ do: 'startLoad', writesPerSec: 15, readsPerSec: 40 });
      await c.clock.advance(1500);
      void c.send({ do: 'killNode', node: 'primary' });
      await c.clock.advance(900);
      const stepBackTo = c.clock.now();
      const historyThen = JSON.stringify(c.history.all());
      void c
        .send({
          do: 'sql',
          node: 'current-primary',
          text: 'UPDATE inventory SET quantity = quantity - 1 WHERE product_id = 3',
        })
        .catch(() => undefined);
      await c.clock.advance(6000); // failover happens after the moment we step back to
      const historyLater = JSON.stringify(c.history.all().filter((e) => e.at <= stepBackTo + 2000));

      rebuilt = await Cluster.replay(inProcessFactory, c.bootSettings(), c.journalCopy(), stepBackTo);
      expect(rebuilt.clock.now()).toBe(stepBackTo);
      expect(JSON.stringify(rebuilt.history.all())).toBe(historyThen);

      // Carrying on with the same commands gives the same future...
      const journal = c.journalCopy();
      const again = await Cluster.replay(inProcessFactory, c.bootSettings(), journal, stepBackTo + 2000);
      try {
        expect(JSON.stringify(again.history.all().filter((e) => e.at <= stepBackTo + 2000))).toBe(historyLater);
      } finally {
        await again.close();
      }
      // ...and a different choice from there gives another one ("what if").
      void rebuilt.send({ do: 'restartNode', node: 'primary' });
      await rebuilt.clock.advance(2000);
      expect(JSON.stringify(rebuilt.history.all())).not.toBe(historyLater);
    } finally {
      await original.close();
      await rebuilt?.close();
    }
  });
});
