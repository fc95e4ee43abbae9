/**
 * The key probe, pure: where a user, a region or a category lives under a placement, the
 * route in words and why (a region or a category may live on several shards, or on every
 * one, depending on the strategy).
 */
import type { CommandOf } from '../commands/schema.ts';
import { categoryShard, type Placement, regionOf, regionShards, routeOf, shardOf } from './strategies.ts';
import type { ProbeOutcome } from './types.ts';

/** `placement` routes writes, `reads` routes reads (they differ between a move's two switches). */
export function probeKey(placement: Placement, reads: Placement, c: CommandOf<'probe'>, users: number): ProbeOutcome {
  if (c.user !== undefined) {
    const r = routeOf(placement, c.user);
    return {
      key: `user ${c.user}`,
      shard: r.shard,
      readShard: shardOf(reads, c.user),
      route: r.route,
      why: r.why,
      region: regionOf(c.user),
    };
  } else if (c.region !== undefined) {
    const shards = regionShards(placement, c.region, users);
    const one = shards.length === 1 ? shards[0] : null;
    return {
      key: `region ${c.region}`,
      shard: one,
      readShard: one,
      route: `region ${c.region} -> ${shards.join(', ')}`,
      why:
        placement.strategy === 'range'
          ? `range sharding by geography: ${c.region}'s users live on ${shards.join(' and ')}; a peak there lands on ${shards.length > 1 ? 'those shards' : 'that one shard'}`
          : shards.length === 1
            ? `the shard key is the user, not the region, yet every ${c.region} user lands on ${shards[0]}: this shop gives users their region round robin by id, which lines up with this placement`
            : `the shard key is the user, not the region: ${c.region}'s users are spread over ${shards.length} shards, so a regional peak spreads too`,
    };
  } else if (c.category !== undefined) {
    const shard = categoryShard(placement, c.category);
    return {
      key: `category ${c.category}`,
      shard,
      readShard: shard,
      route: shard ? `category ${c.category} -> directory lookup -> ${shard}` : `category ${c.category} -> every shard`,
      why: shard
        ? "the directory places each category's products on one shard (the document's Option 3); a query across categories asks every shard"
        : `${placement.strategy} shards orders by user: products are a reference table copied to every shard, so a category has no one shard`,
    };
  } else {
    throw new Error('probe needs a "user", a "region" or a "category"');
  }
}
