import { describe, expect, it } from 'vitest';
import type { HistoryEvent, Recorded } from '../sim/history.ts';
import { classifyReads } from './consistency.ts';

function history(...events: [number, HistoryEvent][]): Recorded[] {
  return events.map(([at, e], seq) => ({ ...e, at, seq }) as Recorded);
}

const write = (op: number, user: number, orderId: number, lsn: number, at = 0): [number, HistoryEvent][] => [
  [at, { type: 'write.invoke', op, client: `user-${user}`, user, node: 'primary', action: 'placeOrder' }],
  [at + 20, { type: 'write.ok', op, node: 'primary', lsn, xid: 700 + op, entry: op, orderIds: [orderId] }],
];
const read = (
  op: number,
  user: number,
  at: number,
  node: string,
  orderIds: number[],
  replayLsn: number,
): [number, HistoryEvent][] => [
  [at, { type: 'read.invoke', op, client: `user-${user}`, user, node, action: 'readOrders' }],
  [at + 5, { type: 'read.ok', op, node, orderIds, replayLsn }],
];

describe('consistency checker', () => {
  it('finds no anomaly in a history where every read sees every acknowledged write', () => {
    const h = history(
      ...write(1, 1001, 1, 100),
      ...read(2, 1001, 50, 'replica-1', [1], 100),
      ...read(3, 1001, 60, 'replica-2', [1], 100),
    );
    expect(classifyReads(h).map((v) => v.anomalies)).toEqual([[], []]);
  });

  it('marks a read of its own missing order as stale and read-your-writes, with the evidence', () => {
    const [v] = classifyReads(history(...write(1, 1001, 7, 100), ...read(2, 1001, 50, 'replica-1', [], 90)));
    expect(v.anomalies).toEqual(['stale', 'read-your-writes']);
    expect(v.missedWrite).toEqual({ orderId: 7, op: 1, user: 1001, lsn: 100, ackAt: 20 });
    expect(v.missedOwn.map((w) => w.orderId)).toEqual([7]);
    expect(v).toMatchObject({ node: 'replica-1', replayLsn: 90 });
  });

  it("marks a read that is behind on another user's write as stale only", () => {
    const [v] = classifyReads(history(...write(1, 1002, 3, 100), ...read(2, 1001, 50, 'replica-1', [], 90)));
    expect(v.anomalies).toEqual(['stale']);
    expect(v.missedWrite?.user).toBe(1002);
  });

  it('marks an order that appears and then vanishes as a monotonic-read violation', () => {
    const h = history(
      ...write(1, 1001, 1, 100),
      ...read(2, 1001, 300, 'replica-2', [1], 100),
      ...read(3, 1001, 400, 'replica-1', [], 90),
    );
    const [, second] = classifyReads(h);
    expect(second.anomalies).toEqual(['stale', 'read-your-writes', 'monotonic']);
    expect(second.vanished).toEqual({ op: 2, node: 'replica-2', orderIds: [1] });
  });

  it('does not count a write acknowledged after the read began, nor a failed read', () => {
    const h = history(
      [0, { type: 'write.invoke', op: 1, client: 'u', user: 1001, node: 'primary', action: 'placeOrder' }],
      [5, { type: 'read.invoke', op: 2, client: 'u', user: 1001, node: 'replica-1', action: 'readOrders' }],
      [10, { type: 'read.ok', op: 2, node: 'replica-1', orderIds: [], replayLsn: 1 }],
      [20, { type: 'write.ok', op: 1, node: 'primary', lsn: 9, xid: 1, entry: 1, orderIds: [1] }],
      [30, { type: 'read.invoke', op: 3, client: 'u', user: 1001, node: 'replica-1', action: 'readOrders' }],
      [35, { type: 'read.fail', op: 3, node: 'replica-1', error: 'could not connect to server: Connection refused' }],
    );
    expect(classifyReads(h).map((v) => [v.op, v.anomalies, v.ok])).toEqual([
      [2, [], true],
      [3, [], false],
    ]);
  });
});
