/**
 * Soak (issue 13): three minutes of virtual time at a steady load keep what the engine holds in
 * memory flat: the history (bounded with keepAtMost, old events counted), the primary's
 * replication log (pruned once every replica replayed an entry), the replica streams' queues and the per-node op counters. Counts, not
 * time: the bench reports the same growth with heap and node memory.
 */
import { describe, expect, it } from 'vitest';
import { bootCluster } from '../harness.ts';

const HISTORY_LIMIT = 4000;

describe('soak: steady load for minutes', () => {
  it('keeps the history, the log and the streams bounded', async () => {
    const cluster = await bootCluster({ seed: 3 });
    try {
      cluster.history.keepAtMost(HISTORY_LIMIT);
      // 5 writes/s + 20 reads/s: the analytics replica keeps up (its queries occupy it ~70% of the time).
      void cluster.send({ do: 'startLoad', writesPerSec: 5, readsPerSec: 20 });
      const samples: { recorded: number; kept: number; retained: number; queued: number }[] = [];
      for (let minute = 1; minute <= 3; minute++) {
        await cluster.clock.runUntil(minute * 60_000);
        const snap = cluster.getSnapshot();
        const queued = snap.replication.reduce((n, r) => n + r.inFlight + r.queued, 0);
        samples.push({
          recorded: cluster.history.length,
          kept: cluster.history.all().length,
          retained: snap.log.retainedEntries,
          queued,
        });
      }
      const [first, , last] = samples;
      // The run did grow: ~900 writes, tens of thousands of events recorded.
      expect(last.recorded).toBeGreaterThan(3 * first.recorded * 0.9);
      expect(cluster.getSnapshot().log.headIndex).toBeGreaterThan(700);
      for (const s of samples) {
        expect(s.kept).toBeLessThanOrEqual(HISTORY_LIMIT * 1.25);
        // Every replica keeps up: what is retained is what is still on its way (a few seconds of writes).
        expect(s.retained).toBeLessThan(100);
        expect(s.queued).toBeLessThan(300);
      }
      const dropped = cluster.history.dropped();
      expect(Object.values(dropped).reduce((a, b) => a + b, 0)).toBe(cluster.history.firstSeq);
      expect(dropped['read.ok']).toBeGreaterThan(1000);
      // Nothing was lost to the checker's sight of the newest events: the last write is retained.
      const lastWrite = cluster.history.all().findLast((e) => e.type === 'write.ok');
      expect(lastWrite?.seq).toBeGreaterThan(cluster.history.firstSeq);
    } finally {
      await cluster.close();
    }
  }, 600_000);
});
