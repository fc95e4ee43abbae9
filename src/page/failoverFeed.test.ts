import { describe, expect, it } from 'vitest';
import type { StoryNotice } from '../engine/index.ts';
import { describeLost, narrate, noticesSince } from './failoverFeed.ts';

// Notices as the engine's checker delivers them in the snapshot (which events are news,
// and who was told a lost order was placed, is tested in src/engine/checker/failoverStory.test.ts).
const lostOrder = { orderId: 42, user: 1001, ackAt: 1020, at: 5000, fromNode: 'primary' };
const lost: StoryNotice = {
  type: 'failover.lost',
  orderIds: [42],
  ops: [7],
  fromNode: 'primary',
  seq: 2,
  at: 5000,
  orders: [lostOrder],
};
const detect: StoryNotice = {
  type: 'failover.phase',
  phase: 'detect',
  node: 'primary',
  detail: 'primary missed its health checks',
  seq: 0,
  at: 5000,
};
const fellBack: StoryNotice = {
  type: 'mode.changed',
  kind: 'orders',
  mode: 'async',
  reason: 'semi-sync: fell back to async',
  seq: 2,
  at: 7000,
};

describe('the failover story in words', () => {
  it('names the user and acknowledgement time of an order a failover lost', () => {
    expect(describeLost(lostOrder)).toBe('order #42 confirmed to user 1001 at 1,020 ms, now gone');
    expect(describeLost({ orderId: 9, at: 5000, fromNode: 'primary' })).toBe('order #9 confirmed, now gone');
    expect(narrate(lost)).toEqual({
      kind: 'error',
      text: 'Lost in the failover: order #42 confirmed to user 1001 at 1,020 ms, now gone (acknowledged by primary; the promoted node never received them)',
    });
  });

  it('narrates phases with their detail and the engine’s own mode changes', () => {
    expect(narrate(detect)).toEqual({ kind: 'info', text: 'Failover, detect: primary missed its health checks' });
    expect(narrate(fellBack)).toEqual({ kind: 'info', text: 'Replication of orders: semi-sync: fell back to async' });
    expect(noticesSince([detect, fellBack], 1)).toEqual([fellBack]);
  });
});
