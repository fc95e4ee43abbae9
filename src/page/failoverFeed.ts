/**
 * The failover story in words: the activity log's line for each notice the engine's
 * checker delivers in the snapshot (failed health checks, failover phases, lost orders,
 * fencing, rewinds, split brain, the engine's own mode changes), and the lost-order
 * sentence the failover panel shows. Decides nothing: which events are news, which orders
 * were lost and who was told they were placed come from src/engine/checker/failoverStory.ts.
 */
import type { FailoverPhaseName, LostOrder, StoryNotice } from '../engine/index.ts';
import { formatIds, formatMs } from './format.ts';

/** Each failover phase in a sentence ("Failover, detect: ..."); a new phase fails the typecheck here. */
export const PHASE_WORD: Record<FailoverPhaseName, string> = {
  detect: 'detect',
  elect: 'elect',
  promote: 'promote',
  repoint: 'repoint',
  endpoint: 'endpoint',
  'no-candidate': 'no candidate',
  failed: 'failed',
};

export interface NoticeLine {
  kind: 'info' | 'error';
  text: string;
}

/** "order #42 confirmed to user 1001 at 1,020 ms, now gone" */
export function describeLost(o: LostOrder): string {
  const who = o.user === undefined ? '' : ` to user ${o.user}`;
  const when = o.ackAt === undefined ? '' : ` at ${formatMs(o.ackAt)}`;
  return `order #${o.orderId} confirmed${who}${when}, now gone`;
}

function orders(ids: readonly number[]): string {
  return ids.length === 0 ? 'no order' : `${ids.length === 1 ? 'order' : 'orders'} ${formatIds(ids)}`;
}

/** The activity log's line for a notice. */
export function narrate(n: StoryNotice): NoticeLine {
  switch (n.type) {
    case 'health.check':
      return { kind: 'info', text: `Health check: ${n.node} did not answer (${n.failures} in a row)` };
    case 'failover.phase':
      return {
        kind: n.phase === 'no-candidate' || n.phase === 'failed' ? 'error' : 'info',
        text: `Failover, ${PHASE_WORD[n.phase]}: ${n.detail}`,
      };
    case 'failover.lost':
      return {
        kind: 'error',
        text: `Lost in the failover: ${n.orders.map(describeLost).join('; ')} (acknowledged by ${n.fromNode}; the promoted node never received them)`,
      };
    case 'node.fenced':
      return { kind: 'info', text: `${n.node} ${n.detail}` };
    case 'node.rewound':
      return {
        kind: n.discardedOrderIds.length > 0 ? 'error' : 'info',
        text:
          n.method === 'pg_rewind'
            ? `${n.node} rewound (pg_rewind): threw away ${orders(n.discardedOrderIds)} the new primary does not have`
            : `${n.node} rejoined as a replica from a fresh copy of the primary, throwing away ${orders(n.discardedOrderIds)}`,
      };
    case 'split-brain':
      return { kind: 'error', text: `Split brain: ${n.nodes.join(' and ')} both accepted writes as primary` };
    case 'mode.changed':
      return { kind: 'info', text: `Replication of ${n.kind}: ${n.reason}` };
  }
}

/** The notices recorded at or after history position `fromSeq`, oldest first. */
export function noticesSince(notices: readonly StoryNotice[], fromSeq: number): StoryNotice[] {
  return notices.filter((n) => n.seq >= fromSeq);
}
