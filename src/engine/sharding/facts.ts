/**
 * What a sharded run comes to, from the history and the shards' own rows: rows per shard
 * and skew, rows moved against theory, every move's phases, the write pause, order ids
 * that collide across shards, acknowledged orders no shard's router can find (lost), rows
 * held twice, scatter latency and the probes. The scenario summary adds these fields only
 * when the run was sharded, so every other summary stays as it was.
 */
import type { History } from '../sim/history.ts';
import type { Sharding } from './sharding.ts';
import { ORDER_KEYS_SQL } from './shardSql.ts';
import { shardOf } from './strategies.ts';
import { skewOf } from './theory.ts';
import type { ReshardPhase, ShardMoveSnapshot } from './types.ts';

export interface ShardingFacts {
  strategy: string;
  ids: string;
  /** Order rows on each serving shard at the end (counted in the shard's database). */
  rowsPerShard: Record<string, number>;
  /** max / mean of rowsPerShard (1 is perfectly even). */
  skew: number;
  /** Rows moved by the finished moves (copied and caught up). */
  movedRows: number;
  /** movedRows against all rows at each flip; null without a finished move. */
  movedShare: number | null;
  /** Theory for the same changes (N/(N+1) for % N going to N+1, ~1/(N+1) for a ring), weighted alike. */
  expectedMovedShare: number | null;
  reshardPhases: { move: number; phase: ReshardPhase; startedAt: number; endedAt: number | null }[];
  /** Every move: what it was, how it ended. */
  reshards: {
    move: number;
    kind: ShardMoveSnapshot['kind'];
    status: ShardMoveSnapshot['phase'];
    movedRows: number;
    movedShare: number;
    expectedMovedShare: number;
    writePauseMs: number;
    pausedWrites: number;
    error?: string;
  }[];
  /** Engine ms writes on moving keys were paused, over every move. */
  writePauseMs: number;
  /** The longest a client's order waited for a switch (measured on the orders themselves). */
  pausedWriteMaxMs: number;
  /** Order ids present on more than one serving shard (per-shard serials collide). */
  duplicateIds: number[];
  /** The same order (id and user) held by two serving shards: a move that copied without cleaning up. */
  duplicatedRows: number;
  /** Acknowledged orders that the shard owning their user does not hold. */
  lostRows: number;
  /** Orders placed through the router, and how many failed. */
  shardWrites: number;
  failedShardWrites: number;
  /** The slowest scatter query: it waits for the slowest shard (null without one). */
  crossShardLatencyMs: number | null;
  probes: { key: string; shard: string | null }[];
}

export async function shardingFacts(sharding: Sharding, history: History): Promise<ShardingFacts | undefined> {
  const placement = sharding.placement;
  if (!placement) return undefined;
  const holders = new Map<string, string[]>();
  const ids = new Map<number, Set<string>>();
  const rowsPerShard: Record<string, number> = {};
  for (const shard of placement.shards) {
    const rows = (await sharding.shards.db(shard).query(ORDER_KEYS_SQL)).rows;
    rowsPerShard[shard] = rows.length;
    for (const r of rows) {
      const key = `${r.order_id}/${r.user_id}`;
      holders.set(key, [...(holders.get(key) ?? []), shard]);
      ids.set(Number(r.order_id), (ids.get(Number(r.order_id)) ?? new Set()).add(shard));
    }
  }
  const acked = history.ofType('shard.write.ok');
  const lostRows = acked.filter(
    (w) => !(holders.get(`${w.orderId}/${w.user}`) ?? []).includes(shardOf(placement, w.user)),
  ).length;
  const moves = sharding.mover.moves();
  const done = moves.filter((m) => m.phase === 'done');
  const total = done.reduce((n, m) => n + (m.movedShare ? m.movedRows / m.movedShare : 0), 0);
  const weighted = (f: (m: ShardMoveSnapshot) => number) =>
    total
      ? Number(
          (done.reduce((n, m) => n + f(m) * (m.movedShare ? m.movedRows / m.movedShare : 0), 0) / total).toFixed(4),
        )
      : null;
  const scatters = history.ofType('shard.scatter');
  return {
    strategy: placement.strategy,
    ids: sharding.ids,
    rowsPerShard,
    skew: Number(skewOf(Object.values(rowsPerShard)).toFixed(3)),
    movedRows: done.reduce((n, m) => n + m.movedRows, 0),
    movedShare: total ? Number((done.reduce((n, m) => n + m.movedRows, 0) / total).toFixed(4)) : null,
    expectedMovedShare: weighted((m) => m.expectedMovedShare),
    reshardPhases: moves.flatMap((m) =>
      m.phases.map((p) => ({ move: m.id, phase: p.phase, startedAt: p.startedAt, endedAt: p.endedAt ?? null })),
    ),
    reshards: moves.map((m) => ({
      move: m.id,
      kind: m.kind,
      status: m.phase,
      movedRows: m.movedRows,
      movedShare: m.movedShare,
      expectedMovedShare: m.expectedMovedShare,
      writePauseMs: m.writePauseMs,
      pausedWrites: m.pausedWrites,
      ...(m.error ? { error: m.error } : {}),
    })),
    writePauseMs: moves.reduce((n, m) => n + m.writePauseMs, 0),
    pausedWriteMaxMs: acked.reduce((n, w) => Math.max(n, w.pausedMs ?? 0), 0),
    duplicateIds: [...ids]
      .filter(([, s]) => s.size > 1)
      .map(([id]) => id)
      .sort((a, b) => a - b),
    duplicatedRows: [...holders.values()].filter((h) => h.length > 1).length,
    lostRows,
    shardWrites: history.ofType('shard.write').length,
    failedShardWrites: history.ofType('shard.write.fail').length,
    crossShardLatencyMs: scatters.length ? Math.max(...scatters.map((s) => s.latencyMs)) : null,
    probes: history.ofType('shard.probe').map((p) => ({ key: p.key, shard: p.shard })),
  };
}
