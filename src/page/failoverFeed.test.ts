import { describe, expect, it } from 'vitest';
import { History, type HistoryEvent } from '../engine/index.ts';
import { addToStory, describeLost, measureDowntimes, narrate } from './failoverFeed.ts';
import type { FailoverStory } from './store.ts';

/** A history whose events happen at the given engine times. */
function historyOf(events: [number, HistoryEvent][]): History {
  let now = 0;
  const h = new History(() => now);
  for (const [at, e] of events) {
    now = at;
    h.record(e);
  }
  return h;
}

const EMPTY: FailoverStory = { phases: [], lost: [], rewound: [] };

describe('the failover story told from the history', () => {
  it('names the user and acknowledgement time of an order a failover lost', () => {
    const h = historyOf([
      [1000, { type: 'write.invoke', op: 7, client: 'user-1001', user: 1001, node: 'primary', action: 'placeOrder' }],
      [1020, { type: 'write.ok', op: 7, node: 'primary', lsn: 1, xid: 1, entry: 1, orderIds: [42] }],
      [5000, { type: 'failover.lost', orderIds: [42], ops: [7], fromNode: 'primary' }],
    ]);
    const lost = h.all()[2];
    const story = addToStory(EMPTY, lost, h);
    expect(story.lost).toEqual([{ orderId: 42, user: 1001, ackAt: 1020, at: 5000, fromNode: 'primary' }]);
    expect(describeLost(story.lost[0])).toBe('order #42 confirmed to user 1001 at 1,020 ms, now gone');
    expect(narrate(lost, h)?.text).toBe(
      'Lost in the failover: order #42 confirmed to user 1001 at 1,020 ms, now gone (acknowledged by primary; the promoted node never received them)',
    );
  });

  it('narrates phases with their detail, and only the engine’s own mode changes', () => {
    const h = historyOf([
      [5000, { type: 'failover.phase', phase: 'detect', node: 'primary', detail: 'primary missed its health checks' }],
      [6000, { type: 'mode.changed', kind: 'orders', mode: 'async', reason: 'set' }],
      [7000, { type: 'mode.changed', kind: 'orders', mode: 'async', reason: 'semi-sync: fell back to async' }],
    ]);
    const [detect, set, fellBack] = h.all();
    expect(narrate(detect, h)).toEqual({ kind: 'info', text: 'Failover, detect: primary missed its health checks' });
    expect(narrate(set, h)).toBeUndefined();
    expect(narrate(fellBack, h)?.text).toBe('Replication of orders: semi-sync: fell back to async');
  });
});

describe('failover downtime', () => {
  const failover = {
    oldPrimary: 'primary',
    detectedAt: 3000,
    promoted: 'replica-1',
    promotedAt: 4000,
    endpointMovedAt: 6000,
  };

  it('does not start the clock at a write refused by a replica', () => {
    const h = historyOf([
      [500, { type: 'write.fail', op: 1, node: 'replica-1', error: 'read-only', code: '25006' }],
      [900, { type: 'write.ok', op: 2, node: 'primary', lsn: 1, xid: 1, entry: 1, orderIds: [1] }],
      [1000, { type: 'node.down', node: 'primary' }],
      [2000, { type: 'write.fail', op: 3, node: 'primary', error: 'could not connect to server: Connection refused' }],
      [6500, { type: 'write.ok', op: 4, node: 'replica-1', lsn: 2, xid: 2, entry: 1, orderIds: [34] }],
    ]);
    expect(measureDowntimes(h, [failover])).toMatchObject([{ downtimeMs: 4500, measuredBy: 'writes' }]);
  });
});
