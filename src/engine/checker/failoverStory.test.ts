import { describe, expect, it } from 'vitest';
import { History, type HistoryEvent } from '../sim/history.ts';
import { EMPTY_STORY, FailoverStoryTracker, failoverStoryOf } from './failoverStory.ts';

const clocks = new WeakMap<History, { now: number }>();

/** A history whose events happen at the given engine times. */
function historyOf(events: [number, HistoryEvent][]): History {
  const clock = { now: 0 };
  const h = new History(() => clock.now);
  clocks.set(h, clock);
  record(h, events);
  return h;
}

/** Records more events on `h`, at the given (later) engine times. */
function record(h: History, events: [number, HistoryEvent][]): void {
  const clock = clocks.get(h)!;
  for (const [at, e] of events) {
    clock.now = at;
    h.record(e);
  }
}

const placed = (at: number, op: number, user: number, orderId: number): [number, HistoryEvent][] => [
  [at, { type: 'write.invoke', op, client: `user-${user}`, user, node: 'primary', action: 'placeOrder' }],
  [at + 20, { type: 'write.ok', op, node: 'primary', lsn: op, xid: op, entry: op, timeline: 1, orderIds: [orderId] }],
];

const failover = {
  oldPrimary: 'primary',
  detectedAt: 3000,
  promoted: 'replica-1',
  promotedAt: 4000,
  endpointMovedAt: 6000,
};

describe('the failover story told from the history', () => {
  it('names the user and acknowledgement time of an order a failover lost', () => {
    const h = historyOf([
      ...placed(1000, 7, 1001, 42),
      [5000, { type: 'failover.lost', orderIds: [42], ops: [7], fromNode: 'primary' }],
    ]);
    const { story } = failoverStoryOf(h, []);
    const lost = [{ orderId: 42, user: 1001, ackAt: 1020, at: 5000, fromNode: 'primary' }];
    expect(story.lost).toEqual(lost);
    expect(story.notices).toMatchObject([{ type: 'failover.lost', seq: 2, orders: lost }]);
    // The history's own event is not touched (its JSON is fingerprinted).
    expect(h.all()[2]).not.toHaveProperty('orders');
  });

  it('still reports a lost order no write event names (a SQL console write)', () => {
    const h = historyOf([[5000, { type: 'failover.lost', orderIds: [9], ops: [], fromNode: 'primary' }]]);
    expect(failoverStoryOf(h, []).story.lost).toEqual([{ orderId: 9, at: 5000, fromNode: 'primary' }]);
  });

  it('keeps the phases, the latest failed check, rewinds and split brain, and notices only what is news', () => {
    const h = historyOf([
      [1000, { type: 'health.check', node: 'primary', ok: true, failures: 0 }],
      [2000, { type: 'health.check', node: 'primary', ok: false, failures: 1 }],
      [3000, { type: 'health.check', node: 'primary', ok: false, failures: 3 }],
      [3000, { type: 'failover.phase', phase: 'detect', node: 'primary', detail: 'primary missed its health checks' }],
      [3500, { type: 'failover.phase', phase: 'elect', node: 'replica-1', detail: 'most up-to-date' }],
      [4000, { type: 'mode.changed', kind: 'orders', mode: 'async', reason: 'set' }],
      [4100, { type: 'mode.changed', kind: 'orders', mode: 'async', reason: 'semi-sync: fell back to async' }],
      [4200, { type: 'node.fenced', node: 'primary', detail: 'fenced (STONITH)' }],
      [
        7000,
        {
          type: 'node.rewound',
          node: 'primary',
          discardedOrderIds: [5],
          entries: 1,
          method: 'pg_rewind',
          timeline: 2,
          entry: 1,
        },
      ],
      [8000, { type: 'split-brain', nodes: ['primary', 'replica-1'] }],
    ]);
    const { story } = failoverStoryOf(h, []);
    expect(story.phases.map((p) => [p.phase, p.node])).toEqual([
      ['detect', 'primary'],
      ['elect', 'replica-1'],
    ]);
    expect(story.lastFailedCheck).toEqual({ at: 3000, node: 'primary', failures: 3 });
    expect(story.rewound).toEqual([{ at: 7000, node: 'primary', orderIds: [5], method: 'pg_rewind' }]);
    expect(story.splitBrain).toEqual({ at: 8000, nodes: ['primary', 'replica-1'] });
    // Not the healthy check, not the learner's own mode change.
    expect(story.notices.map((n) => n.seq)).toEqual([1, 2, 3, 4, 6, 7, 8, 9]);
  });

  it('follows the history incrementally: the same story while nothing new is told', () => {
    const h = historyOf([
      [1000, { type: 'failover.phase', phase: 'detect', node: 'primary', detail: 'declared dead' }],
    ]);
    const tracker = new FailoverStoryTracker();
    const first = tracker.follow(h.all());
    record(h, placed(2000, 1, 1001, 1));
    expect(tracker.follow(h.all())).toBe(first);
    record(h, [[3000, { type: 'failover.phase', phase: 'promote', node: 'replica-1', detail: 'promoted' }]]);
    const next = tracker.follow(h.all());
    expect(next.phases.map((p) => p.phase)).toEqual(['detect', 'promote']);
    expect(new FailoverStoryTracker().follow([])).toBe(EMPTY_STORY);
  });

  it('keeps only the latest entries of each list', () => {
    const checks: [number, HistoryEvent][] = Array.from({ length: 100 }, (_, i) => [
      i,
      { type: 'health.check', node: 'primary', ok: false, failures: i + 1 },
    ]);
    const { story } = failoverStoryOf(historyOf(checks), []);
    expect(story.notices).toHaveLength(60);
    expect(story.notices.at(-1)).toMatchObject({ failures: 100 });
  });
});

describe('failover downtime', () => {
  it('runs from the first failed write to the first that succeeded, not from a write a replica refused', () => {
    const h = historyOf([
      [500, { type: 'write.fail', op: 1, node: 'replica-1', error: 'read-only', code: '25006' }],
      [900, { type: 'write.ok', op: 2, node: 'primary', lsn: 1, xid: 1, entry: 1, timeline: 1, orderIds: [1] }],
      [1000, { type: 'node.down', node: 'primary' }],
      [2000, { type: 'write.fail', op: 3, node: 'primary', error: 'could not connect to server: Connection refused' }],
      [6500, { type: 'write.ok', op: 4, node: 'replica-1', lsn: 2, xid: 2, entry: 1, timeline: 1, orderIds: [34] }],
    ]);
    expect(failoverStoryOf(h, [failover]).downtimes).toMatchObject([{ downtimeMs: 4500, measuredBy: 'writes' }]);
  });

  it('does not start the clock at a failed write before the outage that led to the failover', () => {
    const h = historyOf([
      // The primary restarted once, long before: one write failed, the next succeeded.
      [100, { type: 'node.down', node: 'primary' }],
      [150, { type: 'write.fail', op: 1, node: 'primary', error: 'Connection refused' }],
      [300, { type: 'node.up', node: 'primary' }],
      [400, { type: 'write.ok', op: 2, node: 'primary', lsn: 1, xid: 1, entry: 1, timeline: 1, orderIds: [1] }],
      [1000, { type: 'node.down', node: 'primary' }],
      [2000, { type: 'write.fail', op: 3, node: 'primary', error: 'Connection refused' }],
      [6500, { type: 'write.ok', op: 4, node: 'replica-1', lsn: 2, xid: 2, entry: 1, timeline: 1, orderIds: [34] }],
    ]);
    expect(failoverStoryOf(h, [failover]).downtimes).toMatchObject([{ downtimeMs: 4500, measuredBy: 'writes' }]);
  });

  it('does not start the clock at a failed write on a node that was not the old primary', () => {
    const h = historyOf([
      [200, { type: 'node.down', node: 'replica-2' }],
      [300, { type: 'write.fail', op: 1, node: 'replica-2', error: 'Connection refused' }],
      [400, { type: 'write.ok', op: 2, node: 'primary', lsn: 1, xid: 1, entry: 1, timeline: 1, orderIds: [1] }],
      [1000, { type: 'node.down', node: 'primary' }],
    ]);
    // No write failed on the old primary: measured from its outage to the endpoint's move.
    expect(failoverStoryOf(h, [failover]).downtimes).toMatchObject([{ downtimeMs: 5000, measuredBy: 'endpoint' }]);
  });

  it('is unfinished until the endpoint moves, then measured; the same array while nothing changed', () => {
    const h = historyOf([
      [1000, { type: 'node.partitioned', node: 'primary', partitioned: true }],
      [1500, { type: 'write.fail', op: 1, node: 'primary', error: 'Connection refused' }],
    ]);
    const moving = { ...failover, endpointMovedAt: undefined };
    expect(failoverStoryOf(h, [moving]).downtimes).toMatchObject([{ downtimeMs: null, measuredBy: 'unfinished' }]);
    const moved = failoverStoryOf(h, [failover]).downtimes;
    // The failed write has no success after it yet: measured by the endpoint.
    expect(moved).toMatchObject([{ downtimeMs: 5000, measuredBy: 'endpoint' }]);
    expect(failoverStoryOf(h, [{ ...failover }]).downtimes).toBe(moved);
    record(h, [
      [6200, { type: 'write.ok', op: 2, node: 'replica-1', lsn: 2, xid: 2, entry: 1, timeline: 1, orderIds: [2] }],
    ]);
    expect(failoverStoryOf(h, [failover]).downtimes).toMatchObject([{ downtimeMs: 4700, measuredBy: 'writes' }]);
  });

  it('measures each failover from failures after the one before it', () => {
    const second = { oldPrimary: 'replica-1', detectedAt: 9000, promoted: 'replica-2', endpointMovedAt: 11000 };
    const h = historyOf([
      [2000, { type: 'write.fail', op: 1, node: 'primary', error: 'Connection refused' }],
      [6100, { type: 'write.ok', op: 2, node: 'replica-1', lsn: 1, xid: 1, entry: 1, timeline: 1, orderIds: [1] }],
      [8000, { type: 'write.fail', op: 3, node: 'replica-1', error: 'Connection refused' }],
      [11500, { type: 'write.ok', op: 4, node: 'replica-2', lsn: 2, xid: 2, entry: 2, timeline: 1, orderIds: [2] }],
    ]);
    expect(failoverStoryOf(h, [failover, second]).downtimes.map((d) => d.downtimeMs)).toEqual([4100, 3500]);
  });
});
