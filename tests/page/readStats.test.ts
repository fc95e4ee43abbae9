import { describe, expect, it } from 'vitest';
import { CheckedEvents, MARKED_WINDOW_MS, RECENT_READS, ReadStatsTracker } from '../../src/page/readStats.ts';
import { bootCluster } from '../harness.ts';

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
});
