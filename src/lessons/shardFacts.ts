/**
 * Facts about sharding in a lesson step's window, read from the history only: where the
 * last probe routed a key, what share of the rows the last finished move carried, and the
 * order ids two shards both handed out. The sharding measures and goal are built on them,
 * so a reveal follows what the router and the move actually did.
 */
import type { EventOf } from '../engine/index.ts';
import { ofType } from './facts.ts';
import type { EvaluationContext, MeasureArgs } from './types.ts';

/** The last probe in the window (of `args.user`'s key when given). */
export function lastProbe(ctx: EvaluationContext, args: MeasureArgs): EventOf<'shard.probe'> | undefined {
  const key = args.user === undefined ? undefined : `user ${args.user}`;
  return ofType(ctx, 'shard.probe')
    .filter((e) => key === undefined || e.key === key)
    .at(-1);
}

/** The last move that ended in the window (done or failed). */
export function lastEndedMove(ctx: EvaluationContext): EventOf<'shard.move'> | undefined {
  return ofType(ctx, 'shard.move')
    .filter((e) => e.status !== 'started')
    .at(-1);
}

/** The last move that finished in the window, with the share of the rows it moved (%, one decimal). */
export function lastMove(ctx: EvaluationContext): { move: EventOf<'shard.move'>; percent: number } | undefined {
  const move = ofType(ctx, 'shard.move')
    .filter((e) => e.status === 'done' && e.movedRows !== undefined && e.totalRows)
    .at(-1);
  if (!move) return undefined;
  return { move, percent: Math.round(((move.movedRows ?? 0) / (move.totalRows ?? 1)) * 1000) / 10 };
}

/**
 * Order ids acknowledged to customers by more than one shard in the window: with each
 * shard's own serial (the document's schema) every shard counts 1, 2, 3...; an order is
 * then named by its id AND its shard, and a row moved between shards hits the primary key.
 */
export function duplicateOrderIds(ctx: EvaluationContext): { ids: number[]; orders: number; shards: number } {
  const shardsOf = new Map<number, Set<string>>();
  const acked = ofType(ctx, 'shard.write.ok');
  for (const w of acked) shardsOf.set(w.orderId, (shardsOf.get(w.orderId) ?? new Set()).add(w.shard));
  const ids = [...shardsOf].filter(([, s]) => s.size > 1).map(([id]) => id);
  return { ids: ids.sort((a, b) => a - b), orders: acked.length, shards: new Set(acked.map((w) => w.shard)).size };
}

/**
 * The orders the router sent to shards in the window (acknowledged or failed by the end of
 * it), the failed ones, and the shards they failed on: the blast radius of a shard down.
 */
export function shardWriteFailures(ctx: EvaluationContext): { sent: number; failed: number; shards: string[] } {
  const acked = ofType(ctx, 'shard.write.ok').length;
  const failed = ofType(ctx, 'shard.write.fail');
  return {
    sent: acked + failed.length,
    failed: failed.length,
    shards: [...new Set(failed.map((f) => f.shard))].sort(),
  };
}
