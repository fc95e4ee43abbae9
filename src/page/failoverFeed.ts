/**
 * Turns the engine's history into the failover story the page tells: each failover
 * phase, failed health check, lost order, rewound node and split brain, narrated in the
 * activity log in plain words and kept (briefly) for the failover panel; and the
 * downtime of each failover, measured from the history. Reads the history only.
 */
import {
  type FailoverDowntime,
  type FailoverRecord,
  failoverDowntimes,
  type History,
  type Recorded,
} from '../engine/index.ts';
import { PHASE_LABEL } from '../ui/replication/replicationText.ts';
import { formatIds, formatMs } from './format.ts';
import type { ActivityEntry, FailoverStory, LostOrder } from './store.ts';

/** Phases, lost orders and rewinds kept for the panel (a run rarely has more). */
const STORY_KEPT = 60;

export interface FailoverSink {
  narrate(kind: ActivityEntry['kind'], text: string): void;
  story(update: (story: FailoverStory) => FailoverStory): void;
}

/** Follows the history as it is recorded; returns the function that stops it. */
export function watchFailover(history: History, sink: FailoverSink): () => void {
  return history.onRecord((e) => {
    const said = narrate(e, history);
    if (said) sink.narrate(said.kind, said.text);
    if (STORY_EVENTS.has(e.type)) sink.story((story) => addToStory(story, e, history));
  });
}

export const STORY_EVENTS = new Set<Recorded['type']>([
  'failover.phase',
  'health.check',
  'failover.lost',
  'node.rewound',
  'split-brain',
]);

function keep<T>(list: readonly T[], more: readonly T[]): T[] {
  return [...list, ...more].slice(-STORY_KEPT);
}

export function addToStory(story: FailoverStory, e: Recorded, history: History): FailoverStory {
  switch (e.type) {
    case 'failover.phase':
      return { ...story, phases: keep(story.phases, [{ at: e.at, phase: e.phase, node: e.node, detail: e.detail }]) };
    case 'health.check':
      return e.ok ? story : { ...story, lastFailedCheck: { at: e.at, node: e.node, failures: e.failures } };
    case 'failover.lost':
      return { ...story, lost: keep(story.lost, lostOrders(e, history)) };
    case 'node.rewound':
      return {
        ...story,
        rewound: keep(story.rewound, [{ at: e.at, node: e.node, orderIds: e.discardedOrderIds, method: e.method }]),
      };
    case 'split-brain':
      return { ...story, splitBrain: { at: e.at, nodes: e.nodes } };
    default:
      return story;
  }
}

/** Who was told each lost order was placed, and when: its write's events, searched from the end. */
function lostOrders(e: Extract<Recorded, { type: 'failover.lost' }>, history: History): LostOrder[] {
  const ops = new Set(e.ops);
  const users = new Map<number, number>();
  const acks = new Map<number, { at: number; orderIds: number[] }>();
  const all = history.all();
  for (let i = all.length - 1; i >= 0 && users.size < ops.size; i--) {
    const w = all[i];
    if (w.type === 'write.ok' && ops.has(w.op)) acks.set(w.op, { at: w.at, orderIds: w.orderIds });
    if (w.type === 'write.invoke' && ops.has(w.op)) users.set(w.op, w.user);
  }
  const found = e.ops.flatMap((op) =>
    (acks.get(op)?.orderIds ?? []).map((orderId) => ({ orderId, user: users.get(op), ackAt: acks.get(op)?.at })),
  );
  // An order the write events do not name (a SQL console write) is still reported.
  const named = new Set(found.map((f) => f.orderId));
  const rest = e.orderIds.filter((id) => !named.has(id)).map((orderId) => ({ orderId }));
  return [...found, ...rest].map((o) => ({ ...o, at: e.at, fromNode: e.fromNode }));
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

/** The activity log's line for a history event, if it is one the learner should hear about. */
export function narrate(e: Recorded, history: History): { kind: ActivityEntry['kind']; text: string } | undefined {
  switch (e.type) {
    case 'health.check':
      return e.ok
        ? undefined
        : { kind: 'info', text: `Health check: ${e.node} did not answer (${e.failures} in a row)` };
    case 'failover.phase': {
      const kind = e.phase === 'no-candidate' ? 'error' : 'info';
      return { kind, text: `Failover, ${PHASE_LABEL[e.phase].toLowerCase()}: ${e.detail}` };
    }
    case 'failover.lost':
      return {
        kind: 'error',
        text: `Lost in the failover: ${lostOrders(e, history).map(describeLost).join('; ')} (acknowledged by ${e.fromNode}; the promoted node never received them)`,
      };
    case 'node.fenced':
      return { kind: 'info', text: `${e.node} ${e.detail}` };
    case 'node.rewound':
      return {
        kind: e.discardedOrderIds.length > 0 ? 'error' : 'info',
        text:
          e.method === 'pg_rewind'
            ? `${e.node} rewound (pg_rewind): threw away ${orders(e.discardedOrderIds)} the new primary does not have`
            : `${e.node} rejoined as a replica from a fresh copy of the primary, throwing away ${orders(e.discardedOrderIds)}`,
      };
    case 'split-brain':
      return { kind: 'error', text: `Split brain: ${e.nodes.join(' and ')} both accepted writes as primary` };
    case 'mode.changed':
      // The learner's own changes are logged by the command; these are the engine's.
      return e.reason === 'set' ? undefined : { kind: 'info', text: `Replication of ${e.kind}: ${e.reason}` };
    default:
      return undefined;
  }
}

/** Only the failed writes a client saw because a primary went away: connection errors on an old primary. */
function outageHistory(history: readonly Recorded[], failovers: readonly FailoverRecord[]): Recorded[] {
  const oldPrimaries = new Set(failovers.map((f) => f.oldPrimary));
  return history.filter((e) => e.type !== 'write.fail' || (e.code === undefined && oldPrimaries.has(e.node)));
}

let cached: { key: string; length: number; atMs: number; value: FailoverDowntime[] } | undefined;
const EMPTY: FailoverDowntime[] = [];
/** Re-measuring scans the whole history: at most this often while it keeps growing. */
const REMEASURE_MS = 1000;

/**
 * Downtime of each failover (engine: checker/downtime.ts), on a history without the
 * write failures unrelated to a primary going away (a write sent to a replica fails with
 * a SQL error, a write to a killed replica with a connection error) so those do not
 * start the clock. Memoised: returns the same array while nothing changed.
 */
export function measureDowntimes(history: History, failovers: readonly FailoverRecord[]): FailoverDowntime[] {
  if (failovers.length === 0) return EMPTY;
  const key = JSON.stringify(failovers);
  const now = performance.now();
  if (cached && cached.key === key) {
    const settled = cached.value.every((d) => d.measuredBy === 'writes');
    if (settled || cached.length === history.length || now - cached.atMs < REMEASURE_MS) return cached.value;
  }
  const value = failoverDowntimes(outageHistory(history.all(), failovers), [...failovers]);
  const same = cached !== undefined && JSON.stringify(cached.value) === JSON.stringify(value);
  cached = { key, length: history.length, atMs: now, value: same && cached ? cached.value : value };
  return cached.value;
}
