/**
 * Theory for resharding, pure: the share of keys that must move from one placement to
 * another (modulo over residues, the ring over arc lengths, hash ranges over slices, range
 * and directory over the shop's users) and the skew of a distribution (max / mean).
 */
import { HASH_SPACE, type Placement, ringOwner, ringPoints, shardOf, userIds } from './strategies.ts';

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Share of the arcs of the 32-bit ring whose owner differs between two placements. */
function ringChangedShare(a: Placement & { strategy: 'ring' }, b: Placement & { strategy: 'ring' }): number {
  const cuts = [...new Set([...ringPoints(a), ...ringPoints(b)].map((x) => x.hash))].sort((x, y) => x - y);
  const pa = ringPoints(a);
  const pb = ringPoints(b);
  let changed = 0;
  cuts.forEach((end, i) => {
    const start = i === 0 ? cuts[cuts.length - 1] - HASH_SPACE : cuts[i - 1];
    if (ringOwner(pa, end).shard !== ringOwner(pb, end).shard) changed += end - start;
  });
  return changed / HASH_SPACE;
}

/**
 * The share of keys theory says move from `before` to `after`: over a uniform key space
 * for modulo (residues modulo lcm(N, M): N/(N+1) from N to N+1), the ring (arc lengths:
 * about 1/(N+1)) and hash ranges (slices moved / slices); over the shop's users for range
 * and directory, whose tables are the theory.
 */
export function expectedMovedShare(before: Placement, after: Placement, users: number): number {
  if (before.strategy === 'modulo' && after.strategy === 'modulo') {
    const n = before.shards.length;
    const m = after.shards.length;
    const period = (n * m) / gcd(n, m);
    let moved = 0;
    for (let r = 0; r < period; r++) if (before.shards[r % n] !== after.shards[r % m]) moved++;
    return moved / period;
  }
  if (before.strategy === 'ring' && after.strategy === 'ring') return ringChangedShare(before, after);
  if (before.strategy === 'hash-ranges' && after.strategy === 'hash-ranges') {
    return before.logical.filter((s, i) => after.logical[i] !== s).length / before.logical.length;
  }
  const ids = userIds(users);
  return ids.filter((u) => shardOf(before, u) !== shardOf(after, u)).length / Math.max(1, ids.length);
}

/** max / mean of per-shard counts (1 = perfectly even; 0 when empty). */
export function skewOf(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (counts.length === 0 || total === 0) return 0;
  return Math.max(...counts) / (total / counts.length);
}
