import { describe, expect, it } from 'vitest';
import { ANOMALIES, type Anomaly, classifyReads, type ReadVerdict, type Recorded } from '../../src/engine/index.ts';
import {
  CheckedEvents,
  MARKED_MAX,
  MARKED_WINDOW_MS,
  percentile,
  RECENT_READS,
  type ReadRoute,
  type ReadRow,
  type ReadStats,
  ReadStatsTracker,
} from '../../src/page/readStats.ts';
import { bootCluster } from '../harness.ts';

/** The reference: classifyReads over every event so far, summarised in one pass over all verdicts. */
function fullSummary(events: readonly Recorded[], primary: string, watch: readonly number[]): ReadStats {
  const routes = new Map<number, ReadRoute>();
  for (const e of events) {
    if (e.type === 'read.invoke') routes.set(e.op, { routedTo: e.node, reason: e.reason });
    if (e.type === 'read.ok' && e.waitedMs) {
      const route = routes.get(e.op);
      if (route) route.waitedMs = e.waitedMs;
    }
  }
  const verdicts = classifyReads(events);
  const row = (verdict: ReadVerdict): ReadRow => ({ verdict, route: routes.get(verdict.op) });
  const ok = verdicts.filter((v) => v.ok);
  const anomalous = verdicts.filter((v) => v.ok && v.anomalies.length > 0);
  const anomalies = Object.fromEntries(
    ANOMALIES.map((a) => [a, ok.filter((v) => v.anomalies.includes(a)).length]),
  ) as Record<Anomaly, number>;
  const sinceMs = (verdicts.at(-1)?.at ?? 0) - MARKED_WINDOW_MS;
  const newestFirst = [...anomalous].reverse();
  return {
    reads: verdicts.length,
    failed: verdicts.length - ok.length,
    anomalies,
    anomalous: anomalous.length,
    okReads: ok.length,
    servedByPrimary: ok.filter((v) => v.node === primary).length,
    p50Ms: percentile(
      verdicts.map((v) => v.latencyMs).sort((a, b) => a - b),
      0.5,
    ),
    p99Ms: percentile(
      verdicts.map((v) => v.latencyMs).sort((a, b) => a - b),
      0.99,
    ),
    recent: verdicts.slice(-RECENT_READS).reverse().map(row),
    recentAnomalous: newestFirst.slice(0, RECENT_READS).map(row),
    markedAnomalous: newestFirst
      .filter((v) => v.at >= sinceMs)
      .slice(0, MARKED_MAX)
      .map(row),
    watched: verdicts.filter((v) => watch.includes(v.op)).map(row),
  };
}

describe('read stats for the page', () => {
  it('keeps every anomalous read of the timeline window for its marks, not only the newest few', async () => {
    const cluster = await bootCluster({ seed: 3, lagMs: 3000, jitterMs: 0 });
    try {
      void cluster.send({ do: 'startLoad', writesPerSec: 5, readsPerSec: 20 });
      await cluster.clock.runUntil(25_000);
      const tracker = new ReadStatsTracker();
      tracker.add(new CheckedEvents().take(cluster.history.all()));
      const stats = tracker.summarize('primary', []);

      const lastAt = Math.max(...stats.recent.map((r) => r.verdict.at));
      expect(stats.anomalous).toBeGreaterThan(RECENT_READS);
      expect(stats.recentAnomalous).toHaveLength(RECENT_READS);
      const marked = stats.markedAnomalous;
      expect(marked.length).toBeGreaterThan(RECENT_READS);
      expect(marked.every((r) => r.verdict.anomalies.length > 0)).toBe(true);
      expect(marked.every((r) => r.verdict.at >= lastAt - MARKED_WINDOW_MS)).toBe(true);
      // Older anomalies (the first 5 s) are left to the totals.
      expect(marked.length).toBeLessThan(stats.anomalous);
    } finally {
      await cluster.close();
    }
  }, 120_000);

  it('summarises incrementally exactly what a full re-check of the history gives, across a failover', async () => {
    const cluster = await bootCluster({ seed: 11, lagMs: 1500, jitterMs: 200 });
    try {
      void cluster.send({ do: 'startLoad', writesPerSec: 8, readsPerSec: 30 });
      // The page's own reads (user-1001), some of them watched below.
      for (let at = 1_000; at <= 34_000; at += 3_000) {
        await cluster.clock.runUntil(at);
        void cluster.send({ do: 'placeOrder', user: 1001, total: 10 });
        void cluster.send({ do: 'readOrders', user: 1001 });
        if (at === 13_000) void cluster.send({ do: 'killNode', node: 'primary' });
        // A read straight from the dead node fails (counted apart from the served ones).
        if (at === 16_000) cluster.send({ do: 'readOrders', user: 1001, node: 'primary' }).catch(() => undefined);
      }
      await cluster.clock.runUntil(36_000);
      const history = cluster.history.all();
      expect(history.some((e) => e.type === 'failover.phase' && e.phase === 'promote')).toBe(true);

      const source = new CheckedEvents();
      const tracker = new ReadStatsTracker();
      let checks = 0;
      // Fed in uneven slices, as the page feeds its worker; compared with a full re-check after each.
      const cuts = [];
      for (let end = 40; end < history.length; end += 40 + (end % 7) * 60) cuts.push(end);
      for (const end of [...cuts, history.length]) {
        const upTo = history.slice(0, end);
        tracker.add(source.take(upTo));
        const own = upTo.flatMap((e) => (e.type === 'read.invoke' && e.client === 'user-1001' ? [e.op] : []));
        const watch = own.slice(-2);
        for (const primary of ['primary', 'replica-1']) {
          expect(tracker.summarize(primary, watch)).toEqual(fullSummary(upTo, primary, watch));
          checks++;
        }
      }
      const last = tracker.summarize('replica-1', []);
      // The history exercised what the summary counts: anomalies of every kind, failed reads, a long run.
      expect(checks).toBeGreaterThan(30);
      expect(last.anomalies.stale).toBeGreaterThan(0);
      expect(last.anomalies['read-your-writes']).toBeGreaterThan(0);
      expect(last.failed).toBeGreaterThan(0);
      expect(last.anomalous).toBeGreaterThan(RECENT_READS);
    } finally {
      await cluster.close();
    }
  }, 240_000);
});
