/**
 * The sharding views' geometry, pure: where the router and the shards go for a width, the
 * router-to-shard links (d3-shape builds the path strings, React draws them), the arcs a
 * move's rows travel from source to target shards with the dots placed on them by engine
 * time (so pause, step and speed freeze and move them exactly), and the distribution
 * chart's bars (d3-scale), with skew as max / mean. Knows nothing of React, the DOM or the
 * store.
 */
import { linkVertical, scaleBand, scaleLinear } from 'd3';
import type { ReshardPhase, ShardMoveSnapshot } from '../../engine/index.ts';

export interface Point {
  x: number;
  y: number;
}

export interface ShardBox {
  name: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ShardLayout {
  width: number;
  height: number;
  router: ShardBox;
  shards: ShardBox[];
  links: { shard: string; d: string }[];
}

export const MIN_SHARD_LAYOUT_WIDTH = 640;
export const SHARD_H = 92;
const PAD = 12;
const GAP = 14;
const ROUTER_W = 150;
const ROUTER_H = 38;
const ROW_Y = 96;
/** Room under the shards for the arcs rows travel along. */
const ARC_ROOM = 70;

const vertical = linkVertical<{ source: [number, number]; target: [number, number] }, [number, number]>();

export function layoutShards(names: readonly string[], availableWidth: number): ShardLayout {
  const width = Math.max(MIN_SHARD_LAYOUT_WIDTH, Math.round(availableWidth));
  const n = Math.max(1, names.length);
  const w = Math.min(170, (width - 2 * PAD - GAP * (n - 1)) / n);
  const total = n * w + (n - 1) * GAP;
  const left = (width - total) / 2;
  const router: ShardBox = { name: 'router', x: width / 2 - ROUTER_W / 2, y: PAD, w: ROUTER_W, h: ROUTER_H };
  const shards = names.map((name, i) => ({ name, x: left + i * (w + GAP), y: ROW_Y, w, h: SHARD_H }));
  const from: [number, number] = [router.x + router.w / 2, router.y + router.h];
  return {
    width,
    height: ROW_Y + SHARD_H + ARC_ROOM,
    router,
    shards,
    links: shards.map((s) => ({ shard: s.name, d: vertical({ source: from, target: [s.x + s.w / 2, s.y] }) ?? '' })),
  };
}

/** A quadratic arc under the shard row from one shard's bottom to another's. */
export interface MoveArc {
  from: string;
  to: string;
  start: Point;
  control: Point;
  end: Point;
  d: string;
}

export function moveArcs(layout: ShardLayout, move: Pick<ShardMoveSnapshot, 'sources' | 'targets'>): MoveArc[] {
  const box = new Map(layout.shards.map((s) => [s.name, s]));
  const arcs: MoveArc[] = [];
  for (const from of move.sources) {
    for (const to of move.targets) {
      const a = box.get(from);
      const b = box.get(to);
      if (!a || !b || a === b) continue;
      const start = { x: a.x + a.w / 2 + (b.x > a.x ? 10 : -10), y: a.y + a.h };
      const end = { x: b.x + b.w / 2 + (a.x > b.x ? 10 : -10), y: b.y + b.h };
      const control = { x: (start.x + end.x) / 2, y: a.y + a.h + ARC_ROOM * 1.6 };
      const d = `M${start.x},${start.y} Q${control.x},${control.y} ${end.x},${end.y}`;
      arcs.push({ from, to, start, control, end, d });
    }
  }
  return arcs;
}

/** The point at `t` (0..1) of an arc. */
export function pointOnArc(arc: Pick<MoveArc, 'start' | 'control' | 'end'>, t: number): Point {
  const u = 1 - t;
  return {
    x: u * u * arc.start.x + 2 * u * t * arc.control.x + t * t * arc.end.x,
    y: u * u * arc.start.y + 2 * u * t * arc.control.y + t * t * arc.end.y,
  };
}

/** The phases in which rows travel: the copy from the snapshot, the catch-up from the change log, the final catch-up. */
export const ROWS_TRAVEL_IN: readonly ReshardPhase[] = ['copy', 'catch-up', 'switch-writes'];
/** Engine ms a row takes along its arc, and how many are drawn on one arc at once. */
export const TRAVEL_MS = 1200;
export const DOTS_PER_ARC = 5;

export interface RowDot {
  key: string;
  arc: MoveArc;
  t: number;
  at: Point;
}

/**
 * The rows on their way while a move copies or catches up: DOTS_PER_ARC evenly spaced dots
 * on each arc, advanced by engine time since the phase started. None in other phases.
 */
export function rowDots(
  arcs: readonly MoveArc[],
  move: Pick<ShardMoveSnapshot, 'phase' | 'phases'>,
  nowMs: number,
): RowDot[] {
  if (!ROWS_TRAVEL_IN.includes(move.phase as ReshardPhase)) return [];
  const since = move.phases.find((p) => p.phase === move.phase)?.startedAt ?? nowMs;
  const base = Math.max(0, nowMs - since) / TRAVEL_MS;
  return arcs.flatMap((arc) =>
    Array.from({ length: DOTS_PER_ARC }, (_, i) => {
      const t = (base + i / DOTS_PER_ARC) % 1;
      return { key: `${arc.from}-${arc.to}-${i}`, arc, t, at: pointOnArc(arc, t) };
    }),
  );
}

/** max / mean: 1 is perfectly even (0 when there is nothing). */
export function skewOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return mean > 0 ? Math.max(...values) / mean : 0;
}

export interface Bar {
  shard: string;
  y: number;
  h: number;
  rowsW: number;
  loadW: number;
  rows: number;
  load: number;
}

export interface DistributionLayout {
  width: number;
  height: number;
  labelW: number;
  /** Where the rows and load columns start and how wide each is. */
  rowsX: number;
  loadX: number;
  columnW: number;
  bars: Bar[];
  /** x of the mean rows (the dashed line skew is measured against). */
  meanRowsX: number;
  meanLoadX: number;
}

const BAR_STEP = 26;

export function layoutDistribution(
  shards: readonly { name: string; rows: number; load: number }[],
  availableWidth: number,
): DistributionLayout {
  const width = Math.max(420, Math.round(availableWidth));
  const labelW = 70;
  const columnW = (width - labelW - 3 * PAD) / 2;
  const rowsX = labelW + PAD;
  const loadX = rowsX + columnW + PAD;
  const height = shards.length * BAR_STEP + 30;
  const band = scaleBand<string>()
    .domain(shards.map((s) => s.name))
    .range([24, height - 6])
    .padding(0.25);
  const rowsScale = scaleLinear()
    .domain([0, Math.max(1, ...shards.map((s) => s.rows))])
    .range([0, columnW - 60]);
  const loadScale = scaleLinear()
    .domain([0, Math.max(1, ...shards.map((s) => s.load))])
    .range([0, columnW - 60]);
  const mean = (key: 'rows' | 'load') => (shards.length ? shards.reduce((a, s) => a + s[key], 0) / shards.length : 0);
  return {
    width,
    height,
    labelW,
    rowsX,
    loadX,
    columnW,
    bars: shards.map((s) => ({
      shard: s.name,
      y: band(s.name) ?? 0,
      h: band.bandwidth(),
      rowsW: rowsScale(s.rows),
      loadW: loadScale(s.load),
      rows: s.rows,
      load: s.load,
    })),
    meanRowsX: rowsX + rowsScale(mean('rows')),
    meanLoadX: loadX + loadScale(mean('load')),
  };
}
