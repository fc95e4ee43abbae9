/**
 * The client timeline's data and geometry, pure: which operations each client ran (from
 * the history's invoke and result events, followed incrementally), and where each one's
 * bar and each anomaly mark go in the visible window (a d3 scaleLinear over engine time).
 * Knows nothing of React, the DOM or the store.
 */
import { tickStep } from 'd3';
import type { Anomaly, ReadVerdict, Recorded } from '../../engine/index.ts';

export const WINDOW_MS = 10_000;
export const MAX_BARS = 200;
export const ROW_HEIGHT = 22;
export const BAR_HEIGHT = 12;
export const LABEL_WIDTH = 90;
export const AXIS_HEIGHT = 22;
/** Finished ops older than this behind now are forgotten. */
const KEEP_MS = WINDOW_MS * 2;

export type OpKind = 'write' | 'read';
export type Outcome = 'pending' | 'ok' | 'fail';

export interface TimelineOp {
  op: number;
  kind: OpKind;
  /** The row: the client, with the load generator's ops together as "load". */
  client: string;
  user: number;
  action: string;
  start: number;
  end?: number;
  outcome: Outcome;
  /** The node that served it (the result's node), or the one routing chose. */
  node: string;
}

/** Follows the (append-only) history and keeps recent client operations by op. */
export class TimelineOps {
  /** The history position read up to. */
  private scanned = 0;
  private readonly ops = new Map<number, TimelineOp>();

  /**
   * Reads the events not read yet from `history`, the whole history or a window of its
   * newest events starting at position `fromSeq` (the snapshot's). A window that starts
   * past what was read (the page was away longer than the window) starts over from it: an
   * operation whose result fell in the gap would otherwise look pending for ever.
   */
  update(history: readonly Recorded[], nowMs: number, fromSeq = 0): TimelineOp[] {
    if (fromSeq > this.scanned) this.ops.clear();
    const end = fromSeq + history.length;
    for (let seq = Math.max(this.scanned, fromSeq); seq < end; seq++) {
      const e = history[seq - fromSeq];
      if (e.type === 'write.invoke' || e.type === 'read.invoke') {
        this.ops.set(e.op, {
          op: e.op,
          kind: e.type === 'write.invoke' ? 'write' : 'read',
          client: e.client,
          user: e.user,
          action: e.action,
          start: e.at,
          outcome: 'pending',
          node: e.node,
        });
      } else if (e.type === 'write.ok' || e.type === 'read.ok' || e.type === 'write.fail' || e.type === 'read.fail') {
        const op = this.ops.get(e.op);
        if (!op) continue;
        op.end = e.at;
        op.node = e.node;
        op.outcome = e.type.endsWith('.ok') ? 'ok' : 'fail';
      }
    }
    this.scanned = Math.max(this.scanned, end);
    for (const [id, op] of this.ops) if (op.end !== undefined && op.end < nowMs - KEEP_MS) this.ops.delete(id);
    return [...this.ops.values()];
  }
}

export interface MarkInput {
  anomaly: Anomaly;
  verdict: ReadVerdict;
}

export interface BarLayout {
  op: number;
  kind: OpKind;
  outcome: Outcome;
  x: number;
  y: number;
  w: number;
  h: number;
  className: string;
}

export interface MarkLayout {
  key: string;
  anomaly: Anomaly;
  verdict: ReadVerdict;
  /** Centre of the mark. */
  x: number;
  y: number;
}

export interface RowLayout {
  client: string;
  y: number;
}

export interface TimelineLayout {
  width: number;
  height: number;
  from: number;
  to: number;
  rows: RowLayout[];
  bars: BarLayout[];
  marks: MarkLayout[];
  /** On the track, like the bars (they scroll with them), from the window's start to its end plus the lead. */
  ticks: { x: number; label: string }[];
  /** Ops in the window, before the MAX_BARS cull. */
  inWindow: number;
  /**
   * Bars and marks are placed on a track that starts at engine time 0 (their x never
   * changes as time passes); the track is drawn shifted left by this many px, so only the
   * shift changes from frame to frame. On screen, x - shift.
   */
  shift: number;
}

/** Clients in order: users by number, then anything else by name, the load generator last. */
export function orderClients(clients: Iterable<string>): string[] {
  const rank = (c: string) => (c === 'load' ? 2 : /^user-\d+$/.test(c) ? 0 : 1);
  return [...new Set(clients)].sort((a, b) => {
    const d = rank(a) - rank(b);
    if (d !== 0) return d;
    const na = Number(a.replace(/^user-/, ''));
    const nb = Number(b.replace(/^user-/, ''));
    return Number.isFinite(na) && Number.isFinite(nb) && na !== nb ? na - nb : a.localeCompare(b);
  });
}

export function barClass(kind: OpKind, outcome: Outcome): string {
  if (outcome === 'fail') return 'tl-bar tl-failed';
  if (outcome === 'pending') return `tl-bar tl-pending tl-${kind}`;
  return `tl-bar tl-${kind}`;
}

const MARK_STEP = 12;

/** The track's scale: engine time 0 at LABEL_WIDTH, the window's length across the drawing. */
function pxPerMsOf(width: number, windowMs: number): number {
  return (Math.max(LABEL_WIDTH + 100, width) - 8 - LABEL_WIDTH) / windowMs;
}

/**
 * How far left the track is drawn at engine time `nowMs`: what moves every frame, while
 * the layout itself may be a few frames old (the page lays it out at most ten times a
 * second while the clock plays and scrolls it in between).
 */
export function trackShift(nowMs: number, width: number, windowMs = WINDOW_MS): number {
  return Math.max(0, nowMs - windowMs) * pxPerMsOf(width, windowMs);
}

export function layoutTimeline(input: {
  ops: readonly TimelineOp[];
  marks: readonly MarkInput[];
  nowMs: number;
  width: number;
  windowMs?: number;
  maxBars?: number;
  /**
   * Engine time the drawing may scroll on before it is laid out again: pending bars run
   * and ticks go this far past now, so the scrolled-in edge is not blank. 0 when paused.
   */
  leadMs?: number;
}): TimelineLayout {
  const windowMs = input.windowMs ?? WINDOW_MS;
  const maxBars = input.maxBars ?? MAX_BARS;
  const leadMs = input.leadMs ?? 0;
  // The first window runs from engine time 0; after that it follows now.
  const from = Math.max(0, input.nowMs - windowMs);
  const to = from + windowMs;
  const width = Math.max(LABEL_WIDTH + 100, input.width);
  const pxPerMs = pxPerMsOf(width, windowMs);
  const track = (ms: number) => LABEL_WIDTH + ms * pxPerMs;
  const visible = input.ops.filter((o) => o.start <= to && (o.end ?? to) >= from);
  // Keep the newest bars when there are too many.
  const kept = [...visible].sort((a, b) => b.start - a.start || b.op - a.op).slice(0, maxBars);
  const clients = orderClients(kept.map((o) => o.client));
  const rowY = new Map(clients.map((c, i) => [c, AXIS_HEIGHT + i * ROW_HEIGHT]));
  const bars: BarLayout[] = kept.map((o) => {
    const x0 = track(o.start);
    const x1 = track(o.end ?? input.nowMs + leadMs);
    return {
      op: o.op,
      kind: o.kind,
      outcome: o.outcome,
      x: x0,
      y: (rowY.get(o.client) ?? 0) + (ROW_HEIGHT - BAR_HEIGHT) / 2,
      w: Math.max(2, x1 - x0),
      h: BAR_HEIGHT,
      className: barClass(o.kind, o.outcome),
    };
  });
  const barOf = new Map(bars.map((b) => [b.op, b]));
  const perOp = new Map<number, number>();
  const totalPerOp = new Map<number, number>();
  for (const m of input.marks) totalPerOp.set(m.verdict.op, (totalPerOp.get(m.verdict.op) ?? 0) + 1);
  // The window's right edge on the track: a just-finished read's marks stay inside it.
  const rightEdge = from * pxPerMs + width - 8 - MARK_STEP / 2;
  const marks: MarkLayout[] = [];
  for (const m of input.marks) {
    const bar = barOf.get(m.verdict.op);
    if (!bar) continue;
    const index = perOp.get(m.verdict.op) ?? 0;
    perOp.set(m.verdict.op, index + 1);
    const after = (totalPerOp.get(m.verdict.op) ?? 1) - 1 - index;
    marks.push({
      key: `${m.verdict.op}-${m.anomaly}`,
      anomaly: m.anomaly,
      verdict: m.verdict,
      x: Math.min(rightEdge - after * MARK_STEP, bar.x + bar.w + 6 + index * MARK_STEP),
      y: bar.y + bar.h / 2,
    });
  }
  // The window's ticks (d3 picks the step), continued through the lead at the same step.
  const count = Math.max(2, Math.floor((width - LABEL_WIDTH) / 110));
  const step = tickStep(from, to, count);
  const ticks: TimelineLayout['ticks'] = [];
  for (let t = Math.ceil(from / step) * step; t <= to + leadMs; t += step) {
    ticks.push({ x: track(t), label: `${(t / 1000).toFixed(t % 1000 === 0 ? 0 : 1)} s` });
  }
  return {
    width,
    height: AXIS_HEIGHT + Math.max(1, clients.length) * ROW_HEIGHT + 4,
    from,
    to,
    rows: clients.map((client) => ({ client, y: rowY.get(client) ?? 0 })),
    bars,
    marks,
    ticks,
    inWindow: visible.length,
    shift: trackShift(input.nowMs, width, windowMs),
  };
}

/** The anomalies to mark, one per (read, kind), from the checker's rows (deduplicated by op). */
export function anomalyMarks(verdicts: Iterable<ReadVerdict>): MarkInput[] {
  const seen = new Set<number>();
  const out: MarkInput[] = [];
  for (const v of verdicts) {
    if (seen.has(v.op)) continue;
    seen.add(v.op);
    for (const anomaly of v.anomalies) out.push({ anomaly, verdict: v });
  }
  return out;
}
