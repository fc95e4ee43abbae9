/**
 * The read checker's worker: follows the history events the consistency checker needs and
 * classifies each read as it completes (ReadStatsTracker, on the engine's ReadClassifier),
 * off the page's main thread. Each request adds the new events and gets one summary back.
 */
import type { Recorded } from '../engine/index.ts';
import { type ReadStats, ReadStatsTracker } from './readStats.ts';

export interface CheckRequest {
  events: Recorded[];
  /** The current primary's name, for the primary's share of reads. */
  primary: string;
  /** Ops of the page's own reads, whose verdicts the page shows. */
  watch: number[];
}

/** `tookMs`: how long classifying took, so the page can pace its requests. */
export type CheckReply = { ok: true; stats: ReadStats; tookMs: number } | { ok: false; error: string };

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
const tracker = new ReadStatsTracker();

scope.onmessage = (e: MessageEvent<CheckRequest>) => {
  try {
    const startedMs = performance.now();
    tracker.add(e.data.events);
    const stats = tracker.summarize(e.data.primary, e.data.watch);
    scope.postMessage({ ok: true, stats, tookMs: performance.now() - startedMs } satisfies CheckReply);
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) } satisfies CheckReply);
  }
};
