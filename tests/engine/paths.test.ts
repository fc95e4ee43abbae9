/**
 * Paths nothing else asserts on, on real PGlite clusters: a failover that finds no
 * candidate (every replica cut off, or sync refusing the replicas that lack an
 * acknowledged commit) and what the manager does once a replica is back; an lsn-wait read
 * whose replica dies while the read waits for it; sticky routing when a user's replica goes
 * down and comes back (caught up, or still behind).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/engine/cluster/cluster.ts';
import { classifyReads } from '../../src/engine/index.ts';
import { bootCluster, settle } from '../harness.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const phases = (c: Cluster) => c.history.ofType('failover.phase').map((e) => [e.phase, e.node, e.at]);
const detailOf = (c: Cluster, phase: string) =>
  c.history.ofType('failover.phase').find((e) => e.phase === phase)?.detail;
/** Every read the checker flags, with its node and anomalies. */
const flagged = (c: Cluster) =>
  classifyReads(c.history.all())
    .filter((v) => v.anomalies.length > 0)
    .map((v) => [v.op, v.node, v.anomalies]);
const REPLICAS = ['replica-1', 'replica-2', 'replica-3'] as const;

describe('a failover with no candidate', () => {
  it('with every replica cut off, records no-candidate, promotes nobody, and elects a replica once one is reachable while the primary is still down', async () => {
    cluster = await bootCluster({ seed: 21, lagMs: 100, jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'setPromotionPolicy', policy: 'first-replica' }));
    for (const node of REPLICAS) await settle(c, c.send({ do: 'partition', node }));
    await settle(c, c.send({ do: 'killNode', node: 'primary' }));
    await c.clock.runUntil(5000);
    expect(phases(c)).toEqual([
      ['detect', 'primary', 3500],
      ['no-candidate', undefined, 4500],
    ]);
    expect(detailOf(c, 'no-candidate')).toBe(
      'no reachable replica (not: replica-1: unreachable; replica-2: unreachable; replica-3: unreachable)',
    );
    expect(c.getSnapshot().failover).toMatchObject({ primary: 'primary', endpoint: 'primary', timeline: 1 });
    const [refused] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 1 }));
    expect(refused).toMatchObject({
      ok: false,
      node: 'primary',
      error: 'could not connect to server: Connection refused',
    });

    // The manager goes back to checking the dead primary: missed checks declare it dead
    // again and a new election finds the replica that is reachable now.
    await settle(c, c.send({ do: 'heal', node: 'replica-2' }));
    await c.clock.runUntil(12_000);
    expect(phases(c).slice(2)).toEqual([
      ['detect', 'primary', 8000],
      ['elect', 'replica-2', 9000],
      ['promote', 'replica-2', 9000],
      ['repoint', 'replica-2', 10_000],
      ['endpoint', 'replica-2', 11_500],
    ]);
    expect(detailOf(c, 'elect')).toBe(
      "the seed's rule: always promote replica-2, however far behind (not: replica-1: unreachable; replica-3: unreachable)",
    );
    // Still one failover, detected when the primary was first declared dead.
    expect(c.getSnapshot().failover.failovers).toEqual([
      { oldPrimary: 'primary', detectedAt: 3500, promoted: 'replica-2', promotedAt: 9000, endpointMovedAt: 11_500 },
    ]);
    const [write] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 2 }));
    expect(write).toMatchObject({ ok: true, node: 'replica-2' });
  });

  it('under sync, refuses every reachable replica lacking an acknowledged commit until the synchronous standby is back, then promotes it and loses nothing', async () => {
    cluster = await bootCluster({ seed: 22, lagMs: [100, 3000, 3000], jitterMs: 0, restartMs: 500 });
    const c = cluster;
    await settle(c, c.send({ do: 'setMode', mode: 'sync', standbys: 'FIRST 1 (replica-1)' }));
    const [acked] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 5 }));
    expect(acked.ok).toBe(true);
    // Only replica-1 has the acknowledged order when it and the primary go down.
    await settle(c, c.send({ do: 'killNode', node: 'replica-1' }));
    await settle(c, c.send({ do: 'killNode', node: 'primary' }));
    await c.clock.advance(9000);
    const refusals =
      '(not: replica-2: it lacks acknowledged synchronous commits (has 0 of 1); replica-3: it lacks acknowledged synchronous commits (has 0 of 1); replica-1: unreachable)';
    const elections = c.history.ofType('failover.phase').filter((e) => e.phase === 'no-candidate');
    expect(elections.map((e) => e.at)).toEqual([4500, 9000]);
    for (const e of elections) expect(e.detail.endsWith(refusals)).toBe(true);
    expect(c.getSnapshot().failover).toMatchObject({ primary: 'primary', timeline: 1 });
    expect(phases(c).some(([phase]) => phase === 'promote')).toBe(false);

    await settle(c, c.send({ do: 'restartNode', node: 'replica-1' }));
    await c.clock.advance(6000);
    expect(phases(c).slice(4, 7)).toEqual([
      ['detect', 'primary', 12_500],
      ['elect', 'replica-1', 13_500],
      ['promote', 'replica-1', 13_500],
    ]);
    expect(c.history.ofType('failover.lost')).toEqual([]);
    const [read] = await settle(c, c.send({ do: 'readOrders', user: 1001, node: 'replica-1' }));
    expect(read.orderIds).toEqual([acked.orderId]);
  });
});

describe('an lsn-wait read whose replica dies while it waits', () => {
  it('waits out its timeout, then is served by the primary with the write, and the checker finds no violation', async () => {
    cluster = await bootCluster({ seed: 23, lagMs: 3000, jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'setSessionStore', store: 'shared' }));
    await settle(c, c.send({ do: 'setRywStrategy', strategy: 'lsn-wait', timeoutMs: 1000 }));
    const [write] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 5 }));
    const pending = c.send({ do: 'readOrders', user: 1001 });
    await c.clock.advance(200);
    const [invoke] = c.history.ofType('read.invoke');
    expect(invoke).toMatchObject({
      node: 'replica-1',
      reason: "wait until replica-1 has replayed this session's last write",
    });
    await settle(c, c.send({ do: 'killNode', node: 'replica-1' }));
    const [read] = await settle(c, pending);
    // The dead replica does not cut the wait short: the read gives up only at its timeout.
    expect(read).toMatchObject({
      ok: true,
      node: 'primary',
      routedTo: 'replica-1',
      waitedMs: 1000,
      orderIds: [write.orderId],
    });
    expect(c.history.ofType('read.fail')).toEqual([]);
    expect(c.history.ofType('read.ok').map((e) => [e.op, e.node, e.at])).toEqual([
      [invoke.op, 'primary', invoke.at + 1000 + c.settings.readMs],
    ]);
    const [verdict] = classifyReads(c.history.all());
    expect(verdict).toMatchObject({ op: invoke.op, node: 'primary', anomalies: [], missedOwn: [], stale: false });
  });
});

describe('sticky routing when a replica goes down', () => {
  it('re-pins users by id among the replicas still up, and returns them once theirs is back and caught up, with no anomaly', async () => {
    cluster = await bootCluster({ seed: 24, lagMs: 100, jitterMs: 0, restartMs: 500 });
    const c = cluster;
    await settle(c, c.send({ do: 'setReadPolicy', policy: 'sticky' }));
    await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 5 }));
    await c.clock.advance(500);
    const readers = async () =>
      (await settle(c, c.send({ do: 'readOrders', user: 1000 }), c.send({ do: 'readOrders', user: 1001 }))).map((r) => [
        r.node,
        r.orderIds.length,
      ]);
    // user % 3 over replica-1..3.
    expect(await readers()).toEqual([
      ['replica-2', 0],
      ['replica-3', 1],
    ]);
    await settle(c, c.send({ do: 'killNode', node: 'replica-3' }));
    await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 6 }));
    await c.clock.advance(500);
    // user % 2 over the two still up: 1001 goes to replica-2, and 1000 moves too, though
    // its replica-2 is up (a modulo over the live replicas, not consistent hashing).
    expect(await readers()).toEqual([
      ['replica-1', 0],
      ['replica-2', 2],
    ]);
    await settle(c, c.send({ do: 'restartNode', node: 'replica-3' }));
    await c.clock.advance(1000);
    expect(await readers()).toEqual([
      ['replica-2', 0],
      ['replica-3', 2],
    ]);
    expect(flagged(c)).toEqual([]);
  });

  it('sends a user back to a sticky replica as soon as it is up, still behind: an order seen on the stand-in vanishes (monotonic-read violation)', async () => {
    cluster = await bootCluster({ seed: 25, lagMs: [100, 100, 3000], jitterMs: 0, restartMs: 500 });
    const c = cluster;
    await settle(c, c.send({ do: 'setReadPolicy', policy: 'sticky' }));
    await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 5 }));
    await c.clock.advance(3500);
    const [first] = await settle(c, c.send({ do: 'readOrders', user: 1001 }));
    expect([first.node, first.orderIds.length]).toEqual(['replica-3', 1]);
    await settle(c, c.send({ do: 'killNode', node: 'replica-3' }));
    const [second] = await settle(c, c.send({ do: 'placeOrder', user: 1001, total: 6 }));
    await c.clock.advance(500);
    const [standIn] = await settle(c, c.send({ do: 'readOrders', user: 1001 }));
    expect([standIn.node, standIn.orderIds]).toEqual(['replica-2', [first.orderIds[0], second.orderId]]);
    await settle(c, c.send({ do: 'restartNode', node: 'replica-3' }));
    await c.clock.advance(600);
    const [back] = await settle(c, c.send({ do: 'readOrders', user: 1001 }));
    expect([back.node, back.orderIds]).toEqual(['replica-3', first.orderIds]);
    const verdict = classifyReads(c.history.all()).find((v) => v.op === back.op);
    expect(verdict?.anomalies).toEqual(['stale', 'read-your-writes', 'monotonic']);
    expect(verdict?.vanished).toEqual({ op: standIn.op, node: 'replica-2', orderIds: [second.orderId] });
    // Once replica-3 has replayed it, the order is back.
    await c.clock.advance(4000);
    const [later] = await settle(c, c.send({ do: 'readOrders', user: 1001 }));
    expect([later.node, later.orderIds.length]).toEqual(['replica-3', 2]);
  });
});
