import { describe, expect, it } from 'vitest';
import type { HistoryEvent, Recorded } from '../history.ts';
import { classifyReads } from './staleReads.ts';

function history(...events: [number, HistoryEvent][]): Recorded[] {
  return events.map(([at, e], seq) => ({ ...e, at, seq }) as Recorded);
}

const write = (op: number, user: number, orderId: number, lsn = 100 + op): [number, HistoryEvent][] => [
  [0, { type: 'write.invoke', op, client: `user-${user}`, user, node: 'primary', action: 'placeOrder' }],
  [20, { type: 'write.ok', op, node: 'primary', lsn, xid: 700 + op, entry: op, orderIds: [orderId] }],
];
const read = (op: number, user: number, at: number, node: string, orderIds: number[]): [number, HistoryEvent][] => [
  [at, { type: 'read.invoke', op, client: `user-${user}`, user, node, action: 'readOrders' }],
  [at + 5, { type: 'read.ok', op, node, orderIds, replayLsn: 50 }],
];

describe('stale-read classification', () => {
  it('flags a read that missed an order acknowledged before it began, with the evidence', () => {
    const [v] = classifyReads(history(...write(1, 1001, 1), ...read(2, 1001, 50, 'replica-1', [])));
    expect(v).toMatchObject({ op: 2, stale: true, node: 'replica-1', missed: [{ orderId: 1, op: 1, lsn: 101, ackAt: 20 }] });
  });

  it('does not flag a read that began before the write was acknowledged', () => {
    const h = history(
      [0, { type: 'write.invoke', op: 1, client: 'u', user: 1001, node: 'primary', action: 'placeOrder' }],
      [5, { type: 'read.invoke', op: 2, client: 'u', user: 1001, node: 'replica-1', action: 'readOrders' }],
      [10, { type: 'read.ok', op: 2, node: 'replica-1', orderIds: [], replayLsn: 1 }],
      [20, { type: 'write.ok', op: 1, node: 'primary', lsn: 9, xid: 1, entry: 1, orderIds: [1] }],
    );
    expect(classifyReads(h)[0].stale).toBe(false);
  });

  it("ignores other users' orders and failed reads, and passes a complete read", () => {
    const h = history(
      ...write(1, 1002, 1),
      ...write(2, 1001, 2),
      ...read(3, 1001, 50, 'replica-2', [2]),
      [60, { type: 'read.invoke', op: 4, client: 'u', user: 1001, node: 'replica-1', action: 'readOrders' }],
      [65, { type: 'read.fail', op: 4, node: 'replica-1', error: 'could not connect to server: Connection refused' }],
    );
    expect(classifyReads(h).map((v) => [v.op, v.stale, v.ok])).toEqual([
      [3, false, true],
      [4, false, false],
    ]);
  });
});
