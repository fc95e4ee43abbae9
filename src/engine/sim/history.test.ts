/** The history's retention bound: old events dropped and counted, seqs kept, readers still indexing by seq. */
import { describe, expect, it } from 'vitest';
import { historyWindow } from '../cluster/snapshot.ts';
import { History, indexOfSeq } from './history.ts';

function filled(count: number, limit?: number): History {
  let now = 0;
  const h = new History(() => now);
  if (limit !== undefined) h.keepAtMost(limit);
  for (let i = 0; i < count; i++) {
    now = i * 10;
    h.record(i % 3 === 0 ? { type: 'node.up', node: 'primary' } : { type: 'node.down', node: 'replica-1' });
  }
  return h;
}

describe('History', () => {
  it('keeps everything by default, seq = index', () => {
    const h = filled(1000);
    expect(h.length).toBe(1000);
    expect(h.all()).toHaveLength(1000);
    expect(h.firstSeq).toBe(0);
    expect(h.all()[500].seq).toBe(500);
    expect(h.dropped()).toEqual({});
  });

  it('bounded, keeps between limit and 1.25 x limit of the newest events and counts the rest per type', () => {
    const h = filled(10_000, 400);
    const kept = h.all();
    expect(kept.length).toBeGreaterThanOrEqual(400);
    expect(kept.length).toBeLessThanOrEqual(500);
    expect(h.length).toBe(10_000);
    expect(kept.at(-1)?.seq).toBe(9999);
    expect(kept[0].seq).toBe(h.firstSeq);
    expect(kept.map((e, i) => e.seq - i)).toEqual(kept.map(() => h.firstSeq));
    const dropped = h.dropped();
    expect((dropped['node.up'] ?? 0) + (dropped['node.down'] ?? 0)).toBe(h.firstSeq);
    expect(dropped['node.up']).toBe(Math.ceil(h.firstSeq / 3));
    expect(h.since(9990).map((e) => e.seq)).toEqual([9990, 9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999]);
    expect(indexOfSeq(kept, 9999)).toBe(kept.length - 1);
  });

  it('the snapshot window names the seq of its first event on a bounded history', () => {
    const h = filled(10_000, 400);
    const w = historyWindow(h.all(), 99_900);
    expect(w.fromSeq).toBe(9990);
    expect(w.events[0].seq).toBe(w.fromSeq);
  });
});
