import { describe, expect, it } from 'vitest';
import type { HistoryEvent, Recorded } from '../sim/history.ts';
import { classifyReads } from './consistency.ts';

type At = [number, HistoryEvent];

function history(...events: At[]): Recorded[] {
  return events.map(([at, e], seq) => ({ ...e, at, seq }) as Recorded);
}

/** An order placed by `user` and acknowledged by `node` as log entry `entry` of `timeline`. */
const write = (
  op: number,
  user: number,
  orderId: number,
  entry: number,
  at = 0,
  node = 'primary',
  timeline = 1,
): At[] => [
  [at, { type: 'write.invoke', op, client: `user-${user}`, user, node, action: 'placeOrder' }],
  [at + 20, { type: 'write.ok', op, node, lsn: 100 * entry, xid: 700 + op, entry, timeline, orderIds: [orderId] }],
];
/** "My orders" served by `node`, which held `timeline`'s entries up to `entry`. */
const read = (
  op: number,
  user: number,
  at: number,
  node: string,
  orderIds: number[],
  entry: number,
  timeline = 1,
): At[] => [
  [at, { type: 'read.invoke', op, client: `user-${user}`, user, node, action: 'readOrders' }],
  [at + 5, { type: 'read.ok', op, node, orderIds, replayLsn: 100 * entry, timeline, entry }],
];
/** replica-1 promoted: timeline `timeline` forks from the one before after entry `forkEntry`. */
const promote = (at: number, timeline: number, forkEntry: number, node = 'replica-1'): At => [
  at,
  { type: 'failover.phase', phase: 'promote', node, detail: 'promoted', timeline, forkEntry },
];

describe('consistency checker', () => {
  it('finds no anomaly in a history where every read sees every acknowledged write', () => {
    const h = history(
      ...write(1, 1001, 1, 1),
      ...read(2, 1001, 50, 'replica-1', [1], 1),
      ...read(3, 1001, 60, 'replica-2', [1], 1),
    );
    expect(classifyReads(h).map((v) => v.anomalies)).toEqual([[], []]);
  });

  it('marks a read of its own missing order as stale and read-your-writes, with the evidence', () => {
    const [v] = classifyReads(history(...write(1, 1001, 7, 2), ...read(2, 1001, 50, 'replica-1', [], 1)));
    expect(v.anomalies).toEqual(['stale', 'read-your-writes']);
    expect(v.missedWrite).toEqual({ orderId: 7, op: 1, user: 1001, lsn: 200, ackAt: 20, entry: 2, timeline: 1 });
    expect(v.missedOwn.map((w) => w.orderId)).toEqual([7]);
    expect(v).toMatchObject({ node: 'replica-1', replayLsn: 100, timeline: 1, entry: 1 });
  });

  it("marks a read that is behind on another user's write as stale only", () => {
    const [v] = classifyReads(history(...write(1, 1002, 3, 2), ...read(2, 1001, 50, 'replica-1', [], 1)));
    expect(v.anomalies).toEqual(['stale']);
    expect(v.missedWrite?.user).toBe(1002);
  });

  it('marks an order that appears and then vanishes as a monotonic-read violation', () => {
    const h = history(
      ...write(1, 1001, 1, 1),
      ...read(2, 1001, 300, 'replica-2', [1], 1),
      ...read(3, 1001, 400, 'replica-1', [], 0),
    );
    const [, second] = classifyReads(h);
    expect(second.anomalies).toEqual(['stale', 'read-your-writes', 'monotonic']);
    expect(second.vanished).toEqual({ op: 2, node: 'replica-2', orderIds: [1] });
  });

  it('does not count a write acknowledged after the read began, nor a failed read', () => {
    const h = history(
      [0, { type: 'write.invoke', op: 1, client: 'u', user: 1001, node: 'primary', action: 'placeOrder' }],
      [5, { type: 'read.invoke', op: 2, client: 'u', user: 1001, node: 'replica-1', action: 'readOrders' }],
      [10, { type: 'read.ok', op: 2, node: 'replica-1', orderIds: [], replayLsn: 1, timeline: 1, entry: 0 }],
      [20, { type: 'write.ok', op: 1, node: 'primary', lsn: 9, xid: 1, entry: 1, timeline: 1, orderIds: [1] }],
      [30, { type: 'read.invoke', op: 3, client: 'u', user: 1001, node: 'replica-1', action: 'readOrders' }],
      [35, { type: 'read.fail', op: 3, node: 'replica-1', error: 'could not connect to server: Connection refused' }],
    );
    expect(classifyReads(h).map((v) => [v.op, v.anomalies, v.ok])).toEqual([
      [2, [], true],
      [3, [], false],
    ]);
  });
});

describe('consistency checker across failovers', () => {
  // Timeline 1: entries 1-3 on the primary; replica-1 had received up to 2 and is promoted
  // (timeline 2 forks after entry 2): entry 3 (order 3, user 1003) is lost.
  const beforeFailover = [
    ...write(1, 1001, 1, 1, 0),
    ...write(2, 1002, 2, 2, 100),
    ...write(3, 1003, 3, 3, 200),
    promote(5000, 2, 2),
  ];

  it('a read on the unfenced old primary that misses the new primary’s order is stale (the issue’s case)', () => {
    // The new primary acknowledges order 34 as entry 3 of timeline 2. The old primary,
    // partitioned but still up, holds timeline 1 up to entry 4 (its own split-brain write):
    // more bytes of WAL than the new primary, and still without order 34.
    const h = history(
      ...beforeFailover,
      ...write(4, 1001, 34, 3, 6000, 'replica-1', 2),
      ...write(5, 1004, 4, 4, 6100, 'primary', 1),
      ...read(6, 1001, 7000, 'primary', [1], 4, 1),
    );
    const [v] = classifyReads(h);
    expect(v.stale).toBe(true);
    expect(v.anomalies).toEqual(['stale', 'read-your-writes']);
    expect(v.missedWrite).toMatchObject({ orderId: 34, entry: 3, timeline: 2 });
    expect(v.missedOwn.map((w) => w.orderId)).toEqual([34]);
  });

  it('reports a lost order as loss on every later read, not as a read-your-writes violation', () => {
    const h = history(
      ...beforeFailover,
      ...read(4, 1003, 6000, 'replica-1', [], 2, 2),
      ...write(5, 1003, 34, 3, 7000, 'replica-1', 2),
      ...read(6, 1003, 8000, 'replica-1', [34], 3, 2),
    );
    const [first, second] = classifyReads(h);
    expect(first.anomalies).toEqual([]);
    expect(first.lostOwn?.map((w) => w.orderId)).toEqual([3]);
    expect(second.anomalies).toEqual([]);
    expect(second.lostOwn?.map((w) => w.orderId)).toEqual([3]);
  });

  it('before the failover, missing the order that will be lost is lag: stale and read-your-writes', () => {
    const h = history(...write(1, 1003, 3, 3, 200), ...read(2, 1003, 300, 'replica-1', [], 2), promote(5000, 2, 2));
    const [v] = classifyReads(h);
    expect(v.anomalies).toEqual(['stale', 'read-your-writes']);
    expect(v.lostOwn).toEqual([]);
  });

  it('a reused order id does not hide a missed order: the node must hold the entry that placed it', () => {
    // Order id 3 is lost on timeline 1 and the new primary (whose sequence did not jump
    // here) places another order 3 as entry 3 of timeline 2, for the same user. replica-2,
    // not yet re-pointed, still holds timeline 1's entry 3: the "3" it returns is the lost
    // order, and the new order 3 is missed.
    const h = history(
      ...beforeFailover,
      ...write(4, 1003, 3, 3, 6000, 'replica-1', 2),
      ...read(5, 1003, 6500, 'replica-2', [3], 3, 1),
    );
    const [v] = classifyReads(h);
    expect(v.anomalies).toEqual(['stale', 'read-your-writes']);
    expect(v.missedOwn).toMatchObject([{ orderId: 3, timeline: 2, entry: 3 }]);
    expect(v.lostOwn).toEqual([]);
  });

  it('a replica rewound to the fork point and streaming the new timeline misses nothing it should have', () => {
    const h = history(
      ...beforeFailover,
      [
        5500,
        {
          type: 'node.rewound',
          node: 'replica-2',
          discardedOrderIds: [3],
          entries: 1,
          method: 'pg_rewind',
          timeline: 2,
          entry: 2,
        },
      ],
      ...write(4, 1001, 34, 3, 6000, 'replica-1', 2),
      ...read(5, 1001, 6500, 'replica-2', [1], 2, 2),
      ...read(6, 1001, 7000, 'replica-2', [1, 34], 3, 2),
    );
    const [behind, caughtUp] = classifyReads(h);
    expect(behind.anomalies).toEqual(['stale', 'read-your-writes']);
    expect(behind.missedWrite).toMatchObject({ orderId: 34 });
    expect(caughtUp.anomalies).toEqual([]);
  });

  it('a split-brain write of the old primary is loss on the new primary, and the old primary holds it', () => {
    const h = history(
      ...beforeFailover,
      ...write(4, 1004, 4, 4, 6000, 'primary', 1),
      ...read(5, 1004, 6500, 'replica-1', [], 2, 2),
      ...read(6, 1004, 6600, 'primary', [4], 4, 1),
    );
    const [onNew, onOld] = classifyReads(h);
    expect(onNew.anomalies).toEqual([]);
    expect(onNew.lostOwn?.map((w) => w.orderId)).toEqual([4]);
    expect(onOld.anomalies).toEqual([]);
    expect(onOld.lostOwn).toEqual([]);
  });

  it('an order lost in a failover vanishing from a later read is loss, not a monotonic-read violation', () => {
    const h = history(
      ...write(1, 1003, 3, 3, 200),
      ...read(2, 1003, 300, 'primary', [3], 3),
      promote(5000, 2, 2),
      ...read(3, 1003, 6000, 'replica-1', [], 2, 2),
    );
    const [, after] = classifyReads(h);
    expect(after.anomalies).toEqual([]);
    expect(after.vanished).toBeUndefined();
    expect(after.lostOwn?.map((w) => w.orderId)).toEqual([3]);
  });

  it('an order whose id now names another order has vanished (monotonic), though the id is still there', () => {
    // The user saw order 3 (timeline 1, entry 3) on the old primary before the failover,
    // then reads on a node that holds a different order 3 (timeline 2's entry 3).
    const h = history(
      ...write(1, 1003, 3, 2, 100),
      ...read(2, 1003, 300, 'primary', [3], 2),
      promote(5000, 2, 1),
      ...write(3, 1003, 3, 2, 6000, 'replica-1', 2),
      ...read(4, 1003, 7000, 'replica-1', [3], 2, 2),
    );
    const [, after] = classifyReads(h);
    // Order 3 of timeline 1 was after the fork point: lost, not vanished.
    expect(after.anomalies).toEqual([]);
    expect(after.lostOwn).toMatchObject([{ orderId: 3, timeline: 1 }]);
  });

  it('follows several timelines: an entry of timeline 1 kept through two promotions is held by timeline 3', () => {
    const h = history(
      ...write(1, 1001, 1, 1, 0),
      promote(5000, 2, 1),
      ...write(2, 1001, 34, 2, 6000, 'replica-1', 2),
      promote(9000, 3, 2, 'replica-2'),
      ...write(3, 1001, 67, 3, 10000, 'replica-2', 3),
      ...read(4, 1001, 11000, 'replica-3', [1, 34, 67], 3, 3),
      ...read(5, 1001, 11000, 'replica-1', [1, 34], 2, 2),
    );
    const [fresh, behind] = classifyReads(h);
    expect(fresh.anomalies).toEqual([]);
    expect(behind.anomalies).toEqual(['stale', 'read-your-writes', 'monotonic']);
    expect(behind.missedOwn.map((w) => w.orderId)).toEqual([67]);
    expect(behind.vanished).toEqual({ op: 4, node: 'replica-3', orderIds: [67] });
  });
});
