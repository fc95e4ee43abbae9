/** The history's retention bound: old events dropped and counted, seqs kept, readers still indexing by seq. */
import { describe, expect, it } from 'vitest';
import { historyWindow } from '../cluster/snapshot.ts';
import { History, indexOfSeq, ORDER_IDS_PER_EVENT, retentionWeight } from './history.ts';

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

  it('bounded, counts the order ids events carry, so answers that grow with the run do not grow memory', () => {
    let now = 0;
    const h = new History(() => now);
    h.keepAtMost(400);
    const keptIds = () => h.all().reduce((n, e) => n + ('orderIds' in e ? e.orderIds.length : 0), 0);
    const samples: { events: number; ids: number }[] = [];
    // A "my orders" answer grows by one id per read (a user placing orders), with other events between.
    for (let i = 0; i < 20_000; i++) {
      now = i;
      if (i % 4 === 0) {
        const orderIds = Array.from({ length: i / 4 }, (_, k) => k + 1);
        h.record({ type: 'read.ok', op: i, node: 'replica-1', orderIds, replayLsn: 0, timeline: 1, entry: 0 });
      } else h.record({ type: 'node.up', node: 'primary' });
      if (i % 5000 === 4999) samples.push({ events: h.all().length, ids: keptIds() });
    }
    const weight = h.all().reduce((w, e) => w + retentionWeight(e), 0);
    expect(weight).toBeLessThanOrEqual(500);
    for (const s of samples) expect(s.events + s.ids / ORDER_IDS_PER_EVENT).toBeLessThanOrEqual(500);
    // Fewer events are kept as each carries more ids; the newest is always kept, whatever it weighs.
    expect(samples[3].events).toBeLessThan(samples[0].events);
    expect(h.all().at(-1)?.seq).toBe(19_999);
    expect(h.length).toBe(20_000);
    expect(h.dropped()['read.ok'] + h.dropped()['node.up']).toBe(h.firstSeq);
  });
});
