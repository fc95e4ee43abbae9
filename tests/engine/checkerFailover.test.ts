/**
 * The checker's verdicts across a real failover (real PGlite nodes), and the one downtime
 * definition the page and the CLI share: the cases the issue found wrong on the old
 * checker, as regression tests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/engine/cluster/cluster.ts';
import { Cluster as ClusterClass, classifyReads } from '../../src/engine/index.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { finishScenario, scenarioSettings, scheduleSteps } from '../../src/scenarios/runner.ts';
import { parseScenario } from '../../src/scenarios/schema.ts';
import { bootCluster, settle } from '../harness.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** Runs the clock until the failover manager has moved the endpoint off the old primary. */
async function failedOver(c: Cluster): Promise<void> {
  const start = c.clock.now();
  await c.clock.runWhile(() => c.getSnapshot().failover.endpoint === 'primary', start + 60_000);
  expect(c.getSnapshot().failover.endpoint).not.toBe('primary');
}

describe('the checker across a failover without fencing', () => {
  it('a read on the partitioned old primary that misses the new primary’s acknowledged order is stale', async () => {
    cluster = await bootCluster({ seed: 3, lagMs: 100, jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'setFencing', on: false }));
    // Several orders on the old primary: its WAL runs ahead of what the new primary will write.
    for (let i = 0; i < 3; i++) await settle(c, c.send({ do: 'placeOrder', user: 1002, total: 5 }));
    await c.clock.advance(500);
    await settle(c, c.send({ do: 'partition', node: 'primary' }));
    for (let i = 0; i < 3; i++) await settle(c, c.send({ do: 'placeOrder', user: 1002, total: 5, node: 'primary' }));
    await failedOver(c);
    const [placed] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 20 }));
    expect(placed).toMatchObject({ ok: true, node: c.primaryName() });
    const [read] = await settle(c, c.send({ do: 'readOrders', user: 1001, node: 'primary' }));
    expect(read.ok).toBe(true);
    const verdict = classifyReads(c.history.all()).find((v) => v.op === read.op);
    expect(verdict?.stale).toBe(true);
    expect(verdict?.anomalies).toEqual(['stale', 'read-your-writes']);
    expect(verdict?.missedWrite?.orderId).toBe(placed.orderId);
    // The old primary reports its own position (timeline 1), not the new primary's head.
    expect(verdict).toMatchObject({ node: 'primary', timeline: 1 });
    const newHead = c.getSnapshot().log.headLsn;
    expect(verdict?.replayLsn).not.toBe(newHead);
    expect(c.getSnapshot().failover.timeline).toBe(2);
  });

  it('a lost order is reported as loss on its user’s later reads, never as a read-your-writes violation', async () => {
    cluster = await bootCluster({ seed: 4, lagMs: [3000, 3000, 3000], jitterMs: 0 });
    const c = cluster;
    const [lostWrite] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 10 }));
    await settle(c, c.send({ do: 'killNode', node: 'primary' }));
    await failedOver(c);
    expect(c.history.ofType('failover.lost').flatMap((e) => e.orderIds)).toEqual([lostWrite.orderId]);
    const reads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [r] = await settle(c, c.send({ do: 'readOrders', user: 1001, node: 'current-primary' }));
      reads.push(r.op);
      await c.clock.advance(1000);
    }
    const verdicts = classifyReads(c.history.all()).filter((v) => reads.includes(v.op));
    expect(verdicts.map((v) => v.anomalies)).toEqual([[], [], []]);
    expect(verdicts.map((v) => v.lostOwn?.map((w) => w.orderId))).toEqual([
      [lostWrite.orderId],
      [lostWrite.orderId],
      [lostWrite.orderId],
    ]);
  });
});

describe('one downtime definition for the page and the CLI', () => {
  it('a write refused before the failover (read-only replica, dead replica) does not start the outage', async () => {
    const scenario = parseScenario({
      version: 1,
      name: 'downtime with an earlier refusal',
      settings: { replicas: 2, lagMs: 50, jitterMs: 0 },
      steps: [
        { at: 0, do: 'placeOrder', user: 1001, total: 1, node: 'replica-1' },
        { at: 100, do: 'killNode', node: 'replica-2' },
        { at: 200, do: 'placeOrder', user: 1001, total: 1, node: 'replica-2' },
        { at: 500, do: 'restartNode', node: 'replica-2' },
        { at: 3000, do: 'killNode', node: 'primary' },
        ...Array.from({ length: 16 }, (_, i) => ({ at: 3500 + i * 500, do: 'placeOrder', user: 1002, total: 2 })),
      ],
    });
    cluster = await ClusterClass.boot(inProcessFactory, scenarioSettings(scenario));
    const run = scheduleSteps(cluster, scenario);
    await cluster.clock.runUntil(run.endMs);
    const summary = await finishScenario(cluster, scenario, run);
    const refusedEarly = summary.writes.filter((w) => w.at < 3000 && !w.ok);
    expect(refusedEarly.map((w) => w.node)).toEqual(['replica-1', 'replica-2']);
    const failedAfterKill = summary.writes.filter((w) => w.at >= 3000 && !w.ok);
    expect(failedAfterKill.length).toBeGreaterThan(0);
    expect(summary.failovers).toHaveLength(1);
    // From the first write the dead primary refused to the first acknowledged one after it.
    const failAt = cluster.history.ofType('write.fail').find((e) => e.at >= 3000)?.at ?? 0;
    const okAt = cluster.history.ofType('write.ok').find((e) => e.at > failAt)?.at ?? 0;
    expect(summary.failovers[0].downtimeMs).toBe(okAt - failAt);
    // The page's figure (the snapshot's, followed incrementally) is the same number.
    expect(cluster.getSnapshot().downtimes.map((d) => d.downtimeMs)).toEqual([okAt - failAt]);
  });
});
