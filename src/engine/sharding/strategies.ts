/**
 * Sharding strategies as pure functions over plain data: where a user's orders live
 * (`shardOf`), the route in words (`routeOf`), how the placement changes when a shard is
 * added, removed or a logical shard moved (theory.ts says what share of keys that moves).
 * A `Placement` is plain data (it goes into snapshots and the history); nothing here does
 * I/O or draws randomness.
 *
 * - modulo: the document's getShardForUser, `user_id % N` over the serving shards.
 * - range: geography (Option 2). The key space is ordered by region, then user id; each
 *   shard owns contiguous ranges of it, as Vitess shards own keyspace-id ranges. Adding a
 *   shard splits the range holding the most users at its median.
 * - directory: a lookup table (user -> shard, category -> shard), filled at sign-up round
 *   robin; adding a shard moves just enough entries to balance (a Vitess lookup vindex).
 * - ring: consistent hashing, `vnodes` points per shard on a 32-bit ring.
 * - hash-ranges: Citus: `logicalShards` equal slices of the 32-bit hash space, each placed
 *   on a node; adding a node moves whole logical shards, never re-hashes rows.
 */

import { FIRST_USER } from '../cluster/settings.ts';
import { CATEGORIES } from '../commands/schema.ts';
import { type PlacementSnapshot, REGIONS, type Region, type ShardingStrategy } from './types.ts';

export const HASH_SPACE = 2 ** 32;

/** A 32-bit hash of a string (FNV-1a, then murmur3's finaliser so nearby ids spread). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A user's region, as the shop's users table has it (schema.ts: round robin over the four). */
export function regionOf(user: number): Region {
  return REGIONS[(((user - FIRST_USER) % REGIONS.length) + REGIONS.length) % REGIONS.length];
}

/** Every customer id, given how many the shop has. */
export function userIds(users: number): number[] {
  return Array.from({ length: users }, (_, i) => FIRST_USER + i);
}

interface Range {
  region: Region;
  fromUser: number;
  toUser: number;
  shard: string;
}

export type Placement =
  | { strategy: 'modulo'; shards: string[] }
  | { strategy: 'range'; shards: string[]; ranges: Range[] }
  | { strategy: 'directory'; shards: string[]; users: Record<string, string>; categories: Record<string, string> }
  | { strategy: 'ring'; shards: string[]; vnodes: number }
  | { strategy: 'hash-ranges'; shards: string[]; logical: string[] };

export interface PlacementOptions {
  vnodes?: number;
  logicalShards?: number;
  /** The shop's customers (ids FIRST_USER ...): range splits and the directory are filled from them. */
  users: number;
}

const LAST_USER = FIRST_USER + 1_000_000;

/** The placement a freshly sharded cluster starts with. */
export function initialPlacement(strategy: ShardingStrategy, shards: string[], o: PlacementOptions): Placement {
  switch (strategy) {
    case 'modulo':
      return { strategy, shards: [...shards] };
    case 'ring':
      return { strategy, shards: [...shards], vnodes: o.vnodes ?? 64 };
    case 'hash-ranges': {
      const count = Math.max(o.logicalShards ?? 32, shards.length);
      return {
        strategy,
        shards: [...shards],
        logical: Array.from({ length: count }, (_, i) => shards[i % shards.length]),
      };
    }
    case 'directory': {
      const users = Object.fromEntries(userIds(o.users).map((u, i) => [String(u), shards[i % shards.length]]));
      const categories = Object.fromEntries(CATEGORIES.map((c, i) => [c, shards[i % shards.length]]));
      return { strategy, shards: [...shards], users, categories };
    }
    case 'range': {
      const first = shards.slice(0, REGIONS.length);
      const ranges = REGIONS.map((region, i) => ({
        region,
        fromUser: FIRST_USER,
        toUser: LAST_USER,
        shard: first[Math.floor((i * first.length) / REGIONS.length)],
      }));
      let p: Placement = { strategy, shards: first, ranges };
      for (const extra of shards.slice(REGIONS.length)) p = withShardAdded(p, extra, o);
      return p;
    }
  }
}

/** Position of a user on the ring (or in the hash space). */
export const userHash = (user: number) => hash32(`user:${user}`);

/** Placements never change once made, so a ring's sorted points are computed once per placement. */
const ringCache = new WeakMap<object, { hash: number; shard: string }[]>();

/** The ring's points, sorted by hash. */
export function ringPoints(p: { shards: string[]; vnodes: number }): { hash: number; shard: string }[] {
  const cached = ringCache.get(p);
  if (cached) return cached;
  const points = p.shards
    .flatMap((shard) => Array.from({ length: p.vnodes }, (_, v) => ({ hash: hash32(`${shard}#${v}`), shard })))
    .sort((a, b) => a.hash - b.hash || a.shard.localeCompare(b.shard));
  for (const point of points) Object.freeze(point);
  ringCache.set(p, Object.freeze(points) as { hash: number; shard: string }[]);
  return points;
}

/** The first point at or after `hash`, wrapping round. */
export function ringOwner(points: { hash: number; shard: string }[], hash: number): { hash: number; shard: string } {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].hash < hash) lo = mid + 1;
    else hi = mid;
  }
  return points[lo % points.length];
}

export const logicalOf = (user: number, count: number) => Math.floor((userHash(user) * count) / HASH_SPACE);

function rangeOf(p: Extract<Placement, { strategy: 'range' }>, user: number): Range {
  const region = regionOf(user);
  const found = p.ranges.find((r) => r.region === region && user >= r.fromUser && user <= r.toUser);
  if (!found) throw new Error(`no range holds user ${user} (${region})`);
  return found;
}

/** The shard that owns a user's orders. */
export function shardOf(p: Placement, user: number): string {
  switch (p.strategy) {
    case 'modulo':
      return p.shards[user % p.shards.length];
    case 'range':
      return rangeOf(p, user).shard;
    case 'directory':
      return p.users[String(user)] ?? p.shards[user % p.shards.length];
    case 'ring':
      return ringOwner(ringPoints(p), userHash(user)).shard;
    case 'hash-ranges':
      return p.logical[logicalOf(user, p.logical.length)];
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** Where a user's orders live, step by step, and why. */
export function routeOf(p: Placement, user: number): { shard: string; route: string; why: string } {
  const shard = shardOf(p, user);
  switch (p.strategy) {
    case 'modulo':
      return {
        shard,
        route: `user ${user} -> ${user} % ${p.shards.length} = ${user % p.shards.length} -> ${shard}`,
        why: `the document's getShardForUser: user_id % ${p.shards.length} picks the shard; change N and most users move`,
      };
    case 'range': {
      const r = rangeOf(p, user);
      return {
        shard,
        route: `user ${user} -> region ${r.region} -> range ${r.region} users ${r.fromUser}-${Math.min(r.toUser, 99_999)} -> ${shard}`,
        why: `range sharding by geography: ${shard} owns that slice of the (region, user) key space, as a Vitess shard owns a keyspace-id range`,
      };
    }
    case 'directory':
      return {
        shard,
        route: `user ${user} -> directory lookup -> ${shard}`,
        why: 'a lookup table says where each user lives: any placement is possible, at the cost of one more lookup per query',
      };
    case 'ring': {
      const h = userHash(user);
      const point = ringOwner(ringPoints(p), h);
      return {
        shard,
        route: `user ${user} -> hash ${hex(h)} -> next point clockwise ${hex(point.hash)} -> ${shard}`,
        why: `consistent hashing with ${p.vnodes} virtual node${p.vnodes > 1 ? 's' : ''} per shard: adding a shard takes over only the arcs before its points`,
      };
    }
    case 'hash-ranges': {
      const h = userHash(user);
      const l = logicalOf(user, p.logical.length);
      return {
        shard,
        route: `user ${user} -> hash ${hex(h)} -> logical shard ${l} of ${p.logical.length} -> placed on ${shard}`,
        why: `Citus-style: ${p.logical.length} fixed slices of the hash space, each placed on a node; rebalancing moves whole slices`,
      };
    }
  }
}

/** Users per shard, by the placement (over the known users). */
function usersPerShard(p: Placement, users: number): Map<string, number[]> {
  const by = new Map(p.shards.map((s) => [s, [] as number[]]));
  for (const u of userIds(users)) by.get(shardOf(p, u))?.push(u);
  return by;
}

/** The most loaded of `shards` by `count` (ties: the first). */
function mostLoaded(shards: string[], count: (s: string) => number): string {
  return shards.reduce((best, s) => (count(s) > count(best) ? s : best));
}

/** The placement once `shard` (new and empty) joins. */
export function withShardAdded(p: Placement, shard: string, o: PlacementOptions): Placement {
  const shards = [...p.shards, shard];
  switch (p.strategy) {
    case 'modulo':
      return { ...p, shards };
    case 'ring':
      return { ...p, shards };
    case 'hash-ranges': {
      const logical = [...p.logical];
      const target = Math.floor(logical.length / shards.length);
      const held = (s: string) => logical.filter((x) => x === s).length;
      // Citus' rebalancer: take whole logical shards from the fullest node until the new one has its share.
      while (held(shard) < target) {
        const from = mostLoaded(p.shards, held);
        logical[logical.lastIndexOf(from)] = shard;
      }
      return { ...p, shards, logical };
    }
    case 'directory': {
      const users = { ...p.users };
      const count = (s: string) => Object.values(users).filter((x) => x === s).length;
      const target = Math.floor(Object.keys(users).length / shards.length);
      while (count(shard) < target) {
        const from = mostLoaded(p.shards, count);
        const moving = Object.keys(users)
          .filter((u) => users[u] === from)
          .at(-1) as string;
        users[moving] = shard;
      }
      const categories = { ...p.categories };
      const cats = (s: string) => Object.values(categories).filter((x) => x === s).length;
      const fullest = mostLoaded(p.shards, cats);
      if (cats(fullest) > 1) {
        const c = Object.keys(categories)
          .filter((k) => categories[k] === fullest)
          .at(-1) as string;
        categories[c] = shard;
      }
      return { ...p, shards, users, categories };
    }
    case 'range': {
      // Split the range holding the most users at its median user: the new shard takes the upper half.
      const members = (r: Range) =>
        userIds(o.users).filter((u) => regionOf(u) === r.region && u >= r.fromUser && u <= r.toUser);
      const widest = p.ranges.reduce((best, r) => (members(r).length > members(best).length ? r : best));
      const inside = members(widest);
      const split = inside[Math.floor(inside.length / 2)] ?? widest.toUser;
      const ranges = p.ranges.flatMap((r) =>
        r === widest && split > r.fromUser
          ? [
              { ...r, toUser: split - 1 },
              { ...r, fromUser: split, shard },
            ]
          : [r],
      );
      return { ...p, shards, ranges };
    }
  }
}

/** The placement once `shard` leaves (its keys go to the others). */
export function withShardRemoved(p: Placement, shard: string, o: PlacementOptions): Placement {
  const shards = p.shards.filter((s) => s !== shard);
  if (shards.length === p.shards.length) throw new Error(`${shard} is not a serving shard`);
  switch (p.strategy) {
    case 'modulo':
    case 'ring':
      return { ...p, shards };
    case 'hash-ranges': {
      const logical = [...p.logical];
      const held = (s: string) => logical.filter((x) => x === s).length;
      for (let i = 0; i < logical.length; i++) {
        if (logical[i] === shard) logical[i] = shards.reduce((best, s) => (held(s) < held(best) ? s : best));
      }
      return { ...p, shards, logical };
    }
    case 'directory': {
      const users = { ...p.users };
      const count = (s: string) => Object.values(users).filter((x) => x === s).length;
      for (const u of Object.keys(users)) {
        if (users[u] === shard) users[u] = shards.reduce((best, s) => (count(s) < count(best) ? s : best));
      }
      const categories = { ...p.categories };
      const cats = (s: string) => Object.values(categories).filter((x) => x === s).length;
      for (const c of Object.keys(categories)) {
        if (categories[c] === shard) categories[c] = shards.reduce((best, s) => (cats(s) < cats(best) ? s : best));
      }
      return { ...p, shards, users, categories };
    }
    case 'range': {
      // Each of its ranges goes to the neighbouring range's shard (the one before it, else after).
      const ranges = p.ranges.map((r, i) => {
        if (r.shard !== shard) return r;
        const neighbour =
          p.ranges
            .slice(0, i)
            .reverse()
            .find((x) => x.shard !== shard) ?? p.ranges.slice(i + 1).find((x) => x.shard !== shard);
        return { ...r, shard: neighbour?.shard ?? shards[0] };
      });
      void o;
      return { ...p, shards, ranges };
    }
  }
}

/** hash-ranges: the placement once logical shard `index` lives on `to`. */
export function withLogicalMoved(p: Placement, index: number, to: string): Placement {
  if (p.strategy !== 'hash-ranges')
    throw new Error(`moveShard needs the hash-ranges strategy (this cluster uses ${p.strategy})`);
  if (index >= p.logical.length)
    throw new Error(`there is no logical shard ${index} (logical shards are 0-${p.logical.length - 1})`);
  if (!p.shards.includes(to)) throw new Error(`${to} is not a serving shard (shards: ${p.shards.join(', ')})`);
  const logical = [...p.logical];
  logical[index] = to;
  return { ...p, logical };
}

/** The shard a category's products are listed on (directory); other strategies keep products on every shard. */
export function categoryShard(p: Placement, category: string): string | null {
  return p.strategy === 'directory' ? (p.categories[category] ?? null) : null;
}

/** The users of `region` and the shards they live on. */
export function regionShards(p: Placement, region: Region, users: number): string[] {
  const ids = userIds(users).filter((u) => regionOf(u) === region);
  return [...new Set(ids.map((u) => shardOf(p, u)))];
}

/** Users per shard as counts, in shard order. */
export function userCounts(p: Placement, users: number): Record<string, number> {
  return Object.fromEntries([...usersPerShard(p, users)].map(([s, list]) => [s, list.length]));
}

/** The placement as a view draws it. */
export function placementSnapshot(p: Placement): PlacementSnapshot {
  switch (p.strategy) {
    case 'modulo':
      return { strategy: p.strategy, shards: [...p.shards] };
    case 'range':
      return { strategy: p.strategy, ranges: p.ranges.map((r) => ({ ...r })) };
    case 'directory':
      return { strategy: p.strategy, users: { ...p.users }, categories: { ...p.categories } };
    case 'ring':
      return { strategy: p.strategy, vnodes: p.vnodes, points: ringPoints(p) };
    case 'hash-ranges':
      return {
        strategy: p.strategy,
        logical: p.logical.map((shard, index) => ({
          index,
          fromHash: Math.ceil((index * HASH_SPACE) / p.logical.length),
          toHash: Math.ceil(((index + 1) * HASH_SPACE) / p.logical.length) - 1,
          shard,
        })),
      };
  }
}
