import { describe, expect, it } from 'vitest';
import type { Recorded } from '../../engine/index.ts';
import { readVerdict } from '../shared/testing/readVerdict.ts';
import {
  AXIS_HEIGHT,
  anomalyMarks,
  barClass,
  LABEL_WIDTH,
  layoutTimeline,
  orderClients,
  ROW_HEIGHT,
  type TimelineOp,
  TimelineOps,
  trackShift,
} from './timelineLayout.ts';

let seq = 0;
const ev = (at: number, e: Record<string, unknown>) => ({ ...e, at, seq: seq++ }) as unknown as Recorded;

function op(partial: Partial<TimelineOp> & { op: number; start: number }): TimelineOp {
  return {
    kind: 'read',
    client: 'user-1001',
    user: 1001,
    action: 'readOrders',
    outcome: 'ok',
    node: 'replica-1',
    ...partial,
  };
}

const verdict = readVerdict;

describe('TimelineOps', () => {
  it('pairs invokes with results by op, incrementally, and forgets old finished ops', () => {
    const history: Recorded[] = [
      ev(100, { type: 'write.invoke', op: 1, client: 'user-1001', user: 1001, node: 'primary', action: 'placeOrder' }),
      ev(110, { type: 'repl.sent', node: 'replica-1', entry: 1, timeline: 1, lsn: 1 }),
      ev(120, { type: 'read.invoke', op: 2, client: 'load', user: 1005, node: 'replica-2', action: 'browse' }),
    ];
    const tracker = new TimelineOps();
    let ops = tracker.update(history, 150);
    expect(ops.map((o) => [o.op, o.kind, o.outcome])).toEqual([
      [1, 'write', 'pending'],
      [2, 'read', 'pending'],
    ]);
    history.push(
      ev(160, { type: 'write.ok', op: 1, node: 'primary', lsn: 5, xid: 1, entry: 1, timeline: 1, orderIds: [7] }),
    );
    history.push(ev(170, { type: 'read.fail', op: 2, node: 'replica-2', error: 'down' }));
    ops = tracker.update(history, 200);
    expect(ops.find((o) => o.op === 1)).toMatchObject({ end: 160, outcome: 'ok' });
    expect(ops.find((o) => o.op === 2)).toMatchObject({ end: 170, outcome: 'fail', client: 'load' });
    expect(tracker.update(history, 100_000)).toEqual([]);
  });
});

describe('layoutTimeline', () => {
  it('puts one row per client (load last) and maps engine time with a linear scale over the window', () => {
    const layout = layoutTimeline({
      ops: [
        op({ op: 1, start: 10_000, end: 12_000, client: 'load' }),
        op({ op: 2, start: 15_000, end: 20_000, kind: 'write' }),
        op({ op: 3, start: 1_000, end: 2_000 }), // before the window
      ],
      marks: [],
      nowMs: 20_000,
      width: LABEL_WIDTH + 1008,
    });
    expect(layout.rows.map((r) => r.client)).toEqual(['user-1001', 'load']);
    expect(layout.rows[1].y).toBe(AXIS_HEIGHT + ROW_HEIGHT);
    expect(layout.bars).toHaveLength(2);
    const write = layout.bars.find((b) => b.op === 2);
    expect((write?.x ?? 0) - layout.shift).toBeCloseTo(LABEL_WIDTH + 500);
    expect(write?.w).toBeCloseTo(500);
    expect(write?.className).toBe('tl-bar tl-write');
    expect(layout.from).toBe(10_000);
  });

  it('keeps a finished bar where it is as time passes: only the shift moves (less to redraw per frame)', () => {
    const ops = [op({ op: 1, start: 12_000, end: 12_400 })];
    const at = (nowMs: number) => layoutTimeline({ ops, marks: [], nowMs, width: LABEL_WIDTH + 1008 });
    const [early, late] = [at(15_000), at(18_000)];
    expect(late.bars[0].x).toBe(early.bars[0].x);
    expect(late.bars[0].w).toBe(early.bars[0].w);
    expect(late.shift - early.shift).toBeCloseTo(300);
    expect(late.bars[0].x - late.shift).toBeCloseTo(LABEL_WIDTH + 400);
  });

  it("keeps a just-finished read's marks inside the window, side by side", () => {
    const ops = [op({ op: 5, start: 19_900, end: 20_000 })];
    const marks = anomalyMarks([verdict({ op: 5, anomalies: ['stale', 'read-your-writes'] })]);
    const width = LABEL_WIDTH + 1008;
    const layout = layoutTimeline({ ops, marks, nowMs: 20_000, width });
    const onScreen = layout.marks.map((m) => m.x - layout.shift);
    expect(onScreen).toHaveLength(2);
    for (const x of onScreen) expect(x).toBeLessThanOrEqual(width - 8);
    expect(onScreen[1] - onScreen[0]).toBeGreaterThanOrEqual(11);
  });

  it('keeps only the newest bars when there are too many, and runs a pending op to now', () => {
    const ops = Array.from({ length: 300 }, (_, i) => op({ op: i, start: 10_000 + i * 10, end: 10_000 + i * 10 + 5 }));
    ops.push(op({ op: 999, start: 19_500, end: undefined, outcome: 'pending' }));
    const layout = layoutTimeline({ ops, marks: [], nowMs: 20_000, width: 1000, maxBars: 200 });
    expect(layout.bars).toHaveLength(200);
    expect(layout.inWindow).toBe(301);
    expect(Math.min(...layout.bars.map((b) => b.op))).toBe(101);
    const pending = layout.bars.find((b) => b.op === 999);
    expect(pending?.className).toContain('tl-pending');
    expect((pending?.x ?? 0) + (pending?.w ?? 0) - layout.shift).toBeCloseTo(1000 - 8);
  });

  it("scrolls between layouts: trackShift at a later now is that moment's layout shift, and the lead covers the gap", () => {
    const width = LABEL_WIDTH + 1008;
    const ops = [op({ op: 1, start: 19_000, end: undefined, outcome: 'pending' })];
    const laid = layoutTimeline({ ops, marks: [], nowMs: 20_000, width, leadMs: 200 });
    const later = layoutTimeline({ ops, marks: [], nowMs: 20_150, width });
    expect(trackShift(20_150, width)).toBeCloseTo(later.shift);
    expect(trackShift(20_000, width)).toBeCloseTo(laid.shift);
    // 150 ms on, the pending bar drawn 200 ms ahead still reaches the window's right edge (width - 8).
    const bar = laid.bars[0];
    expect(bar.x + bar.w - trackShift(20_150, width)).toBeGreaterThanOrEqual(width - 8);
    // Ticks sit on the track too, one step apart, through the lead (20 s is 200 ms past the window's end).
    const xs = laid.ticks.map((t) => t.x - laid.shift);
    expect(laid.ticks.at(-1)?.label).toBe('20 s');
    expect(xs.at(-1)).toBeCloseTo(width - 8);
    expect(laid.ticks[0].x - laid.shift).toBeGreaterThanOrEqual(LABEL_WIDTH);
    expect(trackShift(5_000, width)).toBe(0);
  });

  it('places one mark per anomaly after its read bar, and none for reads out of view', () => {
    const v = verdict({ op: 5, anomalies: ['stale', 'read-your-writes'] });
    const gone = verdict({ op: 6, anomalies: ['monotonic'] });
    const marks = anomalyMarks([v, v, gone]);
    expect(marks.map((m) => `${m.verdict.op}-${m.anomaly}`)).toEqual(['5-stale', '5-read-your-writes', '6-monotonic']);
    const layout = layoutTimeline({
      ops: [op({ op: 5, start: 18_000, end: 19_000 })],
      marks,
      nowMs: 20_000,
      width: 1000,
    });
    expect(layout.marks.map((m) => m.key)).toEqual(['5-stale', '5-read-your-writes']);
    const bar = layout.bars[0];
    expect(layout.marks[0].x).toBeGreaterThan(bar.x + bar.w);
    expect(layout.marks[1].x).toBeGreaterThan(layout.marks[0].x);
    expect(layout.marks[0].y).toBe(bar.y + bar.h / 2);
  });
});

describe('helpers', () => {
  it('orders clients by user number, then others, load last', () => {
    expect(orderClients(['load', 'user-1010', 'admin', 'user-1002', 'user-1002'])).toEqual([
      'user-1002',
      'user-1010',
      'admin',
      'load',
    ]);
  });
  it('colours by outcome', () => {
    expect(barClass('read', 'ok')).toBe('tl-bar tl-read');
    expect(barClass('write', 'fail')).toBe('tl-bar tl-failed');
  });
});
