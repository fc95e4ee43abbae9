/**
 * What each sharding preset teaches, as assertions on its summary (run by
 * tests/scenarios/presets.test.ts with every other preset): user_id % N moves about N/(N+1)
 * of the rows and a ring about 1/(N+1); the geographic shard runs hot; per-shard serial
 * ids collide and stop a reshard; a live reshard loses and duplicates nothing.
 */
import { expect } from 'vitest';
import { RESHARD_PHASES } from '../../src/engine/index.ts';
import type { ScenarioSummary } from '../../src/scenarios/runner.ts';

/** Nothing lost, nothing held twice, every finished move's phases in order and back to back. */
export function intact(s: ScenarioSummary): void {
  expect(s.lostRows).toBe(0);
  expect(s.duplicatedRows).toBe(0);
  for (const move of new Set(s.reshardPhases?.map((p) => p.move))) {
    const phases = s.reshardPhases?.filter((p) => p.move === move) ?? [];
    if (s.reshards?.find((r) => r.move === move)?.status === 'done')
      expect(phases.map((p) => p.phase)).toEqual([...RESHARD_PHASES]);
    for (const [a, b] of phases.slice(1).map((p, i) => [phases[i], p])) expect(a.endedAt).toBe(b.startedAt);
  }
}

export const SHARDING_PRESET_CHECKS: Record<string, (s: ScenarioSummary) => void> = {
  'reshard-modulo': (s) => {
    intact(s);
    expect(s.expectedMovedShare).toBe(0.8);
    expect(Math.abs((s.movedShare ?? 0) - 0.8)).toBeLessThan(0.1);
    expect(Object.keys(s.rowsPerShard ?? {})).toHaveLength(5);
    expect(s.probes).toEqual([
      { key: 'user 1002', shard: 'shard-2' },
      { key: 'user 1004', shard: 'shard-4' },
    ]);
    expect(s.writePauseMs).toBeGreaterThan(0);
    expect(s.writePauseMs).toBeLessThan(1000);
  },
  'reshard-ring': (s) => {
    intact(s);
    expect(Math.abs((s.expectedMovedShare ?? 0) - 0.2)).toBeLessThan(0.05);
    expect(Math.abs((s.movedShare ?? 0) - (s.expectedMovedShare ?? 0))).toBeLessThan(0.1);
    expect(s.movedShare).toBeLessThan(0.4);
  },
  'hot-geo-shard': (s) => {
    const rows = s.rowsPerShard ?? {};
    expect(s.skew).toBeGreaterThan(2);
    expect(Math.max(...Object.values(rows))).toBe(rows['shard-0']);
    expect(s.probes?.[0]).toEqual({ key: 'region us-east', shard: 'shard-0' });
    expect(s.crossShardLatencyMs).toBeGreaterThan(6);
  },
  'colliding-ids': (s) => {
    expect(s.duplicateIds).toEqual([1, 2, 3]);
    expect(s.reshards?.[0]).toMatchObject({ status: 'failed', movedRows: 0 });
    expect(s.reshards?.[0].error).toMatch(/duplicate key value violates unique constraint "orders_pkey"/);
    expect(s.lostRows).toBe(0);
    expect(s.rowsPerShard).toEqual({ 'shard-0': 3, 'shard-1': 3 });
  },
  'live-reshard': (s) => {
    intact(s);
    expect(s.reshards?.map((r) => [r.kind, r.status])).toEqual([
      ['add', 'done'],
      ['move', 'done'],
      ['remove', 'done'],
    ]);
    expect(Object.keys(s.rowsPerShard ?? {})).toEqual(['shard-0', 'shard-2', 'shard-3']);
    expect(s.duplicateIds).toEqual([]);
    expect(s.failedShardWrites).toBe(0);
    expect(s.shardWrites).toBeGreaterThan(1000);
    for (const r of s.reshards ?? []) expect(Math.abs(r.movedShare - r.expectedMovedShare)).toBeLessThan(0.1);
  },
};
