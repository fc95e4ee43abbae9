/**
 * The failover story the history tells, and each failover's downtime: the phases of the
 * failovers, the latest failed health check, orders acknowledged to a customer and then
 * lost, nodes rewound, split brain, plus the notices (the engine's own decisions an
 * observer should hear about, each with its history sequence number so a reader can tell
 * each one once). The snapshot carries both, so the page only words them.
 *
 * Pure and incremental: a tracker follows the append-only history with a cursor, so a
 * snapshot pays only for the events recorded since the one before, never for a rescan of
 * a history that can hold 100,000 events.
 */
import type { FailoverRecord } from '../failover/orchestrator.ts';
import { type EventOf, type History, indexOfSeq, type Recorded } from '../sim/history.ts';
import { DowntimeTracker, type FailoverDowntime } from './downtime.ts';

/** Phases, lost orders, rewinds and notices kept (a run rarely has more). */
export const STORY_KEPT = 60;

export interface FailoverPhase {
  at: number;
  phase: EventOf<'failover.phase'>['phase'];
  node?: string;
  detail: string;
}

/** An order acknowledged to a customer that a failover threw away. */
export interface LostOrder {
  orderId: number;
  /** When the failover found it lost (the promotion). */
  at: number;
  /** Who was told it was placed, and when (from the history's write events). */
  user?: number;
  ackAt?: number;
  /** The primary that acknowledged it. */
  fromNode: string;
}

/** A node that threw away transactions the new primary does not have. */
export interface Rewind {
  at: number;
  node: string;
  orderIds: number[];
  method: 'pg_rewind' | 'fresh copy';
}

/**
 * An event the learner should be told about as it happens: a failed health check, a
 * failover phase, lost orders (with who was told they were placed), fencing, a rewind,
 * split brain, and a replication mode the engine changed itself (semi-sync falling back
 * or recovering; the learner's own changes are not news to them).
 */
export type StoryNotice =
  | EventOf<'health.check'>
  | EventOf<'failover.phase'>
  | (EventOf<'failover.lost'> & { orders: LostOrder[] })
  | EventOf<'node.fenced'>
  | EventOf<'node.rewound'>
  | EventOf<'split-brain'>
  | EventOf<'mode.changed'>;

/** What the history told about failovers so far (each list keeps only its latest entries). */
export interface FailoverStory {
  phases: FailoverPhase[];
  /** The latest failed health check: how many in a row. */
  lastFailedCheck?: { at: number; node: string; failures: number };
  lost: LostOrder[];
  rewound: Rewind[];
  splitBrain?: { at: number; nodes: string[] };
  /** The latest notices, oldest first; `seq` says which are new since a reader's last look. */
  notices: StoryNotice[];
}

export const EMPTY_STORY: FailoverStory = { phases: [], lost: [], rewound: [], notices: [] };

function keep<T>(list: readonly T[], more: readonly T[]): T[] {
  return [...list, ...more].slice(-STORY_KEPT);
}

/** The story after one more event (the same object when the event tells nothing). */
export function addToStory(story: FailoverStory, e: Recorded, history: readonly Recorded[]): FailoverStory {
  switch (e.type) {
    case 'health.check':
      return e.ok
        ? story
        : {
            ...story,
            lastFailedCheck: { at: e.at, node: e.node, failures: e.failures },
            notices: keep(story.notices, [e]),
          };
    case 'failover.phase':
      return {
        ...story,
        phases: keep(story.phases, [{ at: e.at, phase: e.phase, node: e.node, detail: e.detail }]),
        notices: keep(story.notices, [e]),
      };
    case 'failover.lost': {
      const orders = lostOrders(e, history);
      return { ...story, lost: keep(story.lost, orders), notices: keep(story.notices, [{ ...e, orders }]) };
    }
    case 'node.rewound':
      return {
        ...story,
        rewound: keep(story.rewound, [{ at: e.at, node: e.node, orderIds: e.discardedOrderIds, method: e.method }]),
        notices: keep(story.notices, [e]),
      };
    case 'split-brain':
      return { ...story, splitBrain: { at: e.at, nodes: e.nodes }, notices: keep(story.notices, [e]) };
    case 'node.fenced':
      return { ...story, notices: keep(story.notices, [e]) };
    case 'mode.changed':
      return e.reason === 'set' ? story : { ...story, notices: keep(story.notices, [e]) };
    default:
      return story;
  }
}

/**
 * Who was told each lost order was placed, and when: its write's events, searched back
 * from the loss (the writes were acknowledged just before it, so the search is short).
 */
export function lostOrders(e: EventOf<'failover.lost'>, history: readonly Recorded[]): LostOrder[] {
  const ops = new Set(e.ops);
  const users = new Map<number, number>();
  const acks = new Map<number, { at: number; orderIds: number[] }>();
  for (let i = Math.min(indexOfSeq(history, e.seq), history.length) - 1; i >= 0 && users.size < ops.size; i--) {
    const w = history[i];
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

/** Follows one history: the story and the downtimes so far, updated from a cursor. */
export class FailoverStoryTracker {
  private cursor = 0;
  private story = EMPTY_STORY;
  private readonly downtime = new DowntimeTracker();

  /** Reads the events recorded since the last call; the same story object while none told anything. */
  follow(history: readonly Recorded[]): FailoverStory {
    let story = this.story;
    // The cursor is a seq: a bounded history's array starts past 0 and moves on.
    for (let i = Math.max(0, indexOfSeq(history, this.cursor)); i < history.length; i++) {
      const e = history[i];
      this.downtime.add(e);
      story = addToStory(story, e, history);
    }
    this.cursor = (history.at(-1)?.seq ?? this.cursor - 1) + 1;
    this.story = story;
    return story;
  }

  /** Downtime of each failover so far (call `follow` first); the same array while nothing changed. */
  downtimes(failovers: readonly FailoverRecord[]): FailoverDowntime[] {
    return this.downtime.measure(failovers);
  }
}

/**
 * One tracker per history, kept here rather than on the cluster: the snapshot builder is
 * a function of what the cluster hands it, and the checker's memory of how far it has read
 * belongs to the history it read (a new cluster, a replay, has a new history and starts
 * afresh). A WeakMap lets a tracker go with its cluster.
 */
const trackers = new WeakMap<History, FailoverStoryTracker>();

/** The failover story and downtimes of `history` as it is now, at the cost of its new events only. */
export function failoverStoryOf(
  history: History,
  failovers: readonly FailoverRecord[],
): { story: FailoverStory; downtimes: FailoverDowntime[] } {
  let tracker = trackers.get(history);
  if (!tracker) {
    tracker = new FailoverStoryTracker();
    trackers.set(history, tracker);
  }
  const story = tracker.follow(history.all());
  return { story, downtimes: tracker.downtimes(failovers) };
}
