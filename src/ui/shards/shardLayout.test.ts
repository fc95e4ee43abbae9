/**
 * The sharding views' geometry: shards side by side under the router and inside the
 * drawing, arcs only between distinct shards of a move, rows on them placed by engine time
 * (frozen while time stands still, none outside copy and catch-up), skew as max / mean,
 * and the distribution bars scaled to the largest shard.
 */
import { describe, expect, it } from 'vitest';
import type { ShardMoveSnapshot } from '../../engine/index.ts';
import {
  DOTS_PER_ARC,
  layoutDistribution,
  layoutShards,
  MIN_SHARD_LAYOUT_WIDTH,
  moveArcs,
  pointOnArc,
  rowDots,
  skewOf,
  TRAVEL_MS,
} from './shardLayout.ts';

const names = ['shard-0', 'shard-1', 'shard-2', 'shard-3', 'shard-4'];

describe('shard layout', () => {
  it('puts the shards side by side, inside the drawing, each linked to the router', () => {
    const layout = layoutShards(names, 1000);
    expect(layout.shards.map((s) => s.name)).toEqual(names);
    for (let i = 1; i < layout.shards.length; i++) {
      expect(layout.shards[i].x).toBeGreaterThanOrEqual(layout.shards[i - 1].x + layout.shards[i - 1].w);
    }
    expect(layout.shards[0].x).toBeGreaterThanOrEqual(0);
    const last = layout.shards.at(-1)!;
    expect(last.x + last.w).toBeLessThanOrEqual(layout.width);
    expect(layout.links.map((l) => l.shard)).toEqual(names);
    expect(layout.links.every((l) => l.d.startsWith('M'))).toBe(true);
    expect(layoutShards(names, 200).width).toBe(MIN_SHARD_LAYOUT_WIDTH);
  });

  it('draws an arc per source and target pair, none from a shard to itself', () => {
    const layout = layoutShards(names, 1000);
    const arcs = moveArcs(layout, { sources: ['shard-0', 'shard-1', 'shard-4'], targets: ['shard-4'] });
    expect(arcs.map((a) => `${a.from}>${a.to}`)).toEqual(['shard-0>shard-4', 'shard-1>shard-4']);
    const mid = pointOnArc(arcs[0], 0.5);
    expect(mid.y).toBeGreaterThan(layout.shards[0].y + layout.shards[0].h);
    expect(mid.y).toBeLessThanOrEqual(layout.height);
    expect(pointOnArc(arcs[0], 0)).toEqual(arcs[0].start);
    expect(pointOnArc(arcs[0], 1)).toEqual(arcs[0].end);
  });

  it('moves rows by engine time during copy and catch-up only', () => {
    const layout = layoutShards(names, 1000);
    const arcs = moveArcs(layout, { sources: ['shard-0'], targets: ['shard-4'] });
    const copying = { phase: 'copy', phases: [{ phase: 'copy', startedAt: 1000 }] } as Pick<
      ShardMoveSnapshot,
      'phase' | 'phases'
    >;
    const a = rowDots(arcs, copying, 1000);
    expect(a).toHaveLength(DOTS_PER_ARC);
    expect(a[0].t).toBe(0);
    expect(rowDots(arcs, copying, 1000)).toEqual(a);
    const later = rowDots(arcs, copying, 1000 + TRAVEL_MS / 4);
    expect(later[0].t).toBeCloseTo(0.25, 9);
    expect(later.every((d) => d.t >= 0 && d.t < 1)).toBe(true);
    const verifying = { phase: 'verify', phases: copying.phases } as Pick<ShardMoveSnapshot, 'phase' | 'phases'>;
    expect(rowDots(arcs, verifying, 5000)).toEqual([]);
  });

  it('measures skew as max / mean', () => {
    expect(skewOf([])).toBe(0);
    expect(skewOf([0, 0])).toBe(0);
    expect(skewOf([10, 10, 10])).toBe(1);
    expect(skewOf([30, 10, 20])).toBeCloseTo(1.5, 12);
  });

  it('scales the bars to the largest shard, with the mean line between', () => {
    const d = layoutDistribution(
      [
        { name: 'shard-0', rows: 100, load: 0 },
        { name: 'shard-1', rows: 50, load: 20 },
      ],
      800,
    );
    expect(d.bars[0].rowsW).toBeCloseTo(2 * d.bars[1].rowsW, 9);
    expect(d.bars[0].loadW).toBe(0);
    expect(d.meanRowsX).toBeGreaterThan(d.rowsX + d.bars[1].rowsW);
    expect(d.meanRowsX).toBeLessThan(d.rowsX + d.bars[0].rowsW);
    expect(d.bars[1].y).toBeGreaterThan(d.bars[0].y);
  });
});
