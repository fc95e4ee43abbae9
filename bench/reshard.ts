/**
 * `npm run bench`, resharding: a live move on real shards (user_id % 4 going to 5, under
 * a steady write load, global ids) timed on the wall clock: rows moved per second of real
 * time (copy, catch-up and the forwarded writes), the move's length in engine time, and
 * the write pause at its switch (engine ms, and the longest any order actually waited).
 */
import { Cluster, type NodeFactory } from '../src/engine/index.ts';

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export async function benchReshard(factory: NodeFactory, writesPerSec = 300, loadMs = 4000) {
  const cluster = await Cluster.boot(factory, { seed: 1, replicas: 1, users: 400 });
  const until = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const settled = work.finally(() => {
      done = true;
    });
    await cluster.clock.runWhile(() => !done);
    return settled;
  };
  try {
    await until(cluster.send({ do: 'setSharding', strategy: 'modulo', shards: 4, ids: 'global' }));
    await until(cluster.send({ do: 'startLoad', writesPerSec, readsPerSec: 50, users: 400 }));
    await cluster.clock.runUntil(cluster.clock.now() + loadMs);
    const started = performance.now();
    // Wall time of each phase (the new shard's boot comes before the first).
    const phaseWall: { phase: string; at: number }[] = [];
    const stop = cluster.history.onRecord((e) => {
      if (e.type === 'shard.phase' || (e.type === 'shard.move' && e.status !== 'started'))
        phaseWall.push({ phase: e.type === 'shard.phase' ? e.phase : 'end', at: performance.now() });
    });
    const move = await until(cluster.send({ do: 'addShard' }));
    stop();
    const wallMs = performance.now() - (phaseWall[0]?.at ?? started);
    cluster.load.stop();
    const waited = cluster.history.ofType('shard.write.ok').reduce((n, w) => Math.max(n, w.pausedMs ?? 0), 0);
    const virtualMs = (move.endedAt ?? move.startedAt) - move.startedAt;
    return {
      strategy: 'modulo 4 -> 5',
      loadWritesPerSec: writesPerSec,
      status: move.phase,
      movedRows: move.movedRows,
      movedShare: move.movedShare,
      expectedMovedShare: move.expectedMovedShare,
      bootNewShardWallMs: round((phaseWall[0]?.at ?? started) - started, 0),
      wallMs: round(wallMs, 0),
      wallMsByPhase: Object.fromEntries(
        phaseWall.slice(0, -1).map((p, i) => [p.phase, round(phaseWall[i + 1].at - p.at, 0)]),
      ),
      rowsMovedPerWallSec: round((move.movedRows / wallMs) * 1000, 0),
      virtualMoveMs: virtualMs,
      rowsMovedPerVirtualSec: virtualMs ? round((move.movedRows / virtualMs) * 1000, 0) : null,
      writePauseMs: move.writePauseMs,
      pausedWrites: move.pausedWrites,
      longestOrderWaitMs: waited,
    };
  } finally {
    await cluster.close();
  }
}
