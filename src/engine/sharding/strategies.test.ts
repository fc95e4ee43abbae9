/**
 * The strategies' arithmetic, pure: the document's user_id % N, theory's moved shares
 * (N/(N+1) for modulo, ~1/(N+1) for a ring, whole slices for hash ranges), ring skew
 * falling with virtual nodes, range splits and the directory's balancing.
 */
import { describe, expect, it } from 'vitest';
import { probeKey } from './probe.ts';
import {
  initialPlacement,
  regionOf,
  routeOf,
  shardOf,
  userCounts,
  userIds,
  withLogicalMoved,
  withShardAdded,
  withShardRemoved,
} from './strategies.ts';
import { expectedMovedShare, skewOf } from './theory.ts';

const names = (n: number) => Array.from({ length: n }, (_, i) => `shard-${i}`);
const opts = { users: 1000 };
const movedUsers = (a: Parameters<typeof shardOf>[0], b: Parameters<typeof shardOf>[0]) =>
  userIds(1000).filter((u) => shardOf(a, u) !== shardOf(b, u)).length / 1000;

describe('modulo', () => {
  it("is the document's getShardForUser: 1001 % 4 = 1", () => {
    const p = initialPlacement('modulo', names(4), opts);
    expect(shardOf(p, 1001)).toBe('shard-1');
    expect(shardOf(p, 1004)).toBe('shard-0');
    expect(routeOf(p, 1002).route).toBe('user 1002 -> 1002 % 4 = 2 -> shard-2');
  });
  it('moves N/(N+1) of the keys going from N to N+1 (10 -> 11: ~91%)', () => {
    for (const n of [2, 4, 10]) {
      const p = initialPlacement('modulo', names(n), opts);
      const q = withShardAdded(p, `shard-${n}`, opts);
      expect(expectedMovedShare(p, q, 1000)).toBeCloseTo(n / (n + 1), 6);
      expect(Math.abs(movedUsers(p, q) - n / (n + 1))).toBeLessThan(0.02);
    }
  });
});

describe('ring', () => {
  it('moves about 1/(N+1) of the keys, all of them to the new shard', () => {
    const p = initialPlacement('ring', names(4), { ...opts, vnodes: 128 });
    const q = withShardAdded(p, 'shard-4', opts);
    const theory = expectedMovedShare(p, q, 1000);
    expect(Math.abs(theory - 0.2)).toBeLessThan(0.05);
    expect(Math.abs(movedUsers(p, q) - theory)).toBeLessThan(0.05);
    const moved = userIds(1000).filter((u) => shardOf(p, u) !== shardOf(q, u));
    expect(new Set(moved.map((u) => shardOf(q, u)))).toEqual(new Set(['shard-4']));
  });
  it('is badly skewed with 1 virtual node and nearly even with 256', () => {
    const skew = (vnodes: number) =>
      skewOf(Object.values(userCounts(initialPlacement('ring', names(8), { users: 10_000, vnodes }), 10_000)));
    expect(skew(1)).toBeGreaterThan(1.5);
    expect(skew(256)).toBeLessThan(1.2);
  });
  it('removing a shard moves only its keys', () => {
    const p = initialPlacement('ring', names(5), { ...opts, vnodes: 64 });
    const q = withShardRemoved(p, 'shard-2', opts);
    const moved = userIds(1000).filter((u) => shardOf(p, u) !== shardOf(q, u));
    expect(moved.every((u) => shardOf(p, u) === 'shard-2')).toBe(true);
  });
});

describe('hash-ranges', () => {
  it('places 32 logical shards round robin and moves whole slices to a new node', () => {
    const p = initialPlacement('hash-ranges', names(4), { ...opts, logicalShards: 32 });
    const q = withShardAdded(p, 'shard-4', opts);
    if (q.strategy !== 'hash-ranges') throw new Error('strategy');
    expect(q.logical.filter((s) => s === 'shard-4')).toHaveLength(6);
    expect(expectedMovedShare(p, q, 1000)).toBeCloseTo(6 / 32, 6);
    const r = withLogicalMoved(q, 0, 'shard-4');
    expect(expectedMovedShare(q, r, 1000)).toBeCloseTo(q.logical[0] === 'shard-4' ? 0 : 1 / 32, 6);
    expect(() => withLogicalMoved(q, 32, 'shard-0')).toThrow(/no logical shard 32/);
  });
});

describe('range (geography)', () => {
  it('puts each region on its own shard and splits the fullest range for a fifth shard', () => {
    const p = initialPlacement('range', names(4), opts);
    expect(shardOf(p, 1000)).toBe('shard-0');
    expect(regionOf(1000)).toBe('us-east');
    expect(shardOf(p, 1003)).toBe('shard-3');
    const q = withShardAdded(p, 'shard-4', opts);
    const moved = userIds(1000).filter((u) => shardOf(p, u) !== shardOf(q, u));
    expect(new Set(moved.map(regionOf)).size).toBe(1);
    expect(moved.length).toBe(125);
  });
});

describe('directory', () => {
  it('moves only enough users to fill the new shard', () => {
    const p = initialPlacement('directory', names(4), opts);
    const q = withShardAdded(p, 'shard-4', opts);
    expect(movedUsers(p, q)).toBeCloseTo(0.2, 2);
    expect(Object.values(userCounts(q, 1000))).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('probe', () => {
  it('names the shard and the route of a user, a region and a category', () => {
    const range = initialPlacement('range', names(4), opts);
    expect(probeKey(range, range, { do: 'probe', region: 'europe' }, 1000)).toMatchObject({
      key: 'region europe',
      shard: 'shard-2',
    });
    const modulo = initialPlacement('modulo', names(3), opts);
    const spread = probeKey(modulo, modulo, { do: 'probe', region: 'europe' }, 1000);
    expect(spread.shard).toBeNull();
    expect(spread.why).toMatch(/spread over 3 shards/);
    const directory = initialPlacement('directory', names(4), opts);
    expect(probeKey(directory, directory, { do: 'probe', category: 'Fashion' }, 1000).shard).toBe('shard-1');
    const moved = withShardAdded(modulo, 'shard-3', opts);
    expect(probeKey(modulo, moved, { do: 'probe', user: 1004 }, 1000)).toMatchObject({
      shard: 'shard-2',
      readShard: 'shard-0',
      region: 'us-east',
    });
  });
});
