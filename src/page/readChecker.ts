/**
 * Runs the consistency checker for the page in a worker: sends it the new history events
 * the checker needs and hands each summary back. One request at a time: while the worker
 * classifies, new events wait and go in the next request, so the page never queues up work
 * and its main thread never blocks on the checker. Requests are paced (at most a few a
 * second, and the worker idles at least as long as it worked) so that it leaves the CPU
 * to the database workers.
 */
import type { Recorded } from '../engine/index.ts';
import { CheckedEvents, type ReadStats } from './readStats.ts';
import type { CheckReply, CheckRequest } from './readStats.worker.ts';

/** Shortest gap between two requests. */
const MIN_GAP_MS = 200;

export interface ReadChecker {
  /** Takes the history's new events; asks for a summary when there is anything new. */
  feed(history: readonly Recorded[], primary: string, watch: number[]): void;
  stop(): void;
}

export function startReadChecker(onStats: (stats: ReadStats) => void, onError: (error: string) => void): ReadChecker {
  const worker = new Worker(new URL('./readStats.worker.ts', import.meta.url), {
    type: 'module',
    name: 'read checker',
  });
  const source = new CheckedEvents();
  let waiting: Recorded[] = [];
  let primary = 'primary';
  let watch: number[] = [];
  let watchSent = '';
  let busy = false;
  let failed = false;
  let nextAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = () => {
    const watchKey = watch.join(',');
    if (busy || failed || timer !== undefined || (waiting.length === 0 && watchKey === watchSent)) return;
    const waitMs = nextAt - performance.now();
    if (waitMs > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        send();
      }, waitMs);
      return;
    }
    busy = true;
    watchSent = watchKey;
    worker.postMessage({ events: waiting, primary, watch } satisfies CheckRequest);
    waiting = [];
  };
  const fail = (error: string) => {
    if (failed) return;
    failed = true;
    onError(error);
  };
  worker.onmessage = (e: MessageEvent<CheckReply>) => {
    busy = false;
    if (!e.data.ok) return fail(e.data.error);
    nextAt = performance.now() + Math.max(MIN_GAP_MS, e.data.tookMs);
    onStats(e.data.stats);
    send();
  };
  worker.onerror = (e) => fail(e.message || 'the worker crashed');
  worker.onmessageerror = () => fail('the worker sent an unreadable message');

  return {
    feed(history, currentPrimary, currentWatch) {
      for (const e of source.take(history)) waiting.push(e);
      primary = currentPrimary;
      watch = currentWatch;
      send();
    },
    stop() {
      clearTimeout(timer);
      worker.terminate();
    },
  };
}
