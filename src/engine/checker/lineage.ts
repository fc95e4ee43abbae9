/**
 * Timelines as the history tells them, for verdicts that hold across failovers. A log
 * entry is named by its index and the timeline that wrote it (indexes, LSNs and order ids
 * repeat across timelines); timeline T's history is timeline T-1's up to T's fork point,
 * then T's own entries (a promotion forks the current timeline, so they form a chain).
 * Whether a node holds a write is read from its position (timeline, entry), never from
 * LSN arithmetic. Observes the history only.
 */
import type { Recorded } from '../sim/history.ts';

/** A log entry: its index and the timeline that wrote it. */
export interface EntryRef {
  timeline: number;
  entry: number;
}

export class Lineage {
  /** Timeline → the last entry it shares with the timeline before it. */
  private readonly forks = new Map<number, number>();
  /** The timeline the current primary writes (the newest promotion's). */
  current = 1;

  /** Follows one more history event (only promotions matter). */
  note(e: Recorded): void {
    if (e.type === 'failover.phase' && e.phase === 'promote' && e.timeline !== undefined) {
      this.forks.set(e.timeline, e.forkEntry ?? 0);
      this.current = Math.max(this.current, e.timeline);
    }
  }

  /** The timeline that wrote entry `entry` of timeline `timeline`'s history. */
  writerOf(timeline: number, entry: number): number {
    let t = timeline;
    while (t > 1) {
      const fork = this.forks.get(t);
      if (fork === undefined || entry > fork) return t;
      t--;
    }
    return t;
  }

  /** Whether a node at `position` holds entry `w` (it replayed it, wrote it, or copied it). */
  holds(position: EntryRef, w: EntryRef): boolean {
    return w.entry <= position.entry && this.writerOf(position.timeline, w.entry) === w.timeline;
  }

  /**
   * Whether `w` is on the current primary's history: false once a failover threw it away
   * (acknowledged on the old timeline after the fork point, or by an old primary that
   * kept writing unfenced: split brain). Missing such a write is data loss, not lag.
   */
  kept(w: EntryRef): boolean {
    return this.writerOf(this.current, w.entry) === w.timeline;
  }
}

/** The history events the checker reads: client operations and promotions. */
export const CHECKED_EVENT_TYPES: ReadonlySet<Recorded['type']> = new Set<Recorded['type']>([
  'write.invoke',
  'write.ok',
  'read.invoke',
  'read.ok',
  'read.fail',
  'failover.phase',
]);
