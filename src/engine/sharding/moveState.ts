/**
 * One resharding move's state: the plain snapshot fields (types.ts) plus what the mover
 * needs while it runs (the placements before and after, who moves where, the change-log
 * watermarks, the writes waiting for the switch), and how fast a move goes.
 */
import { type Placement, shardOf, userIds } from './strategies.ts';
import { expectedMovedShare } from './theory.ts';
import type { ShardMoveSnapshot } from './types.ts';

/** How fast a move goes, in engine time (the replicas' default apply rate; PgDog-style sub-second cut-over). */
export const RESHARD_TIMINGS = {
  /** Rows per copy chunk, and rows copied or applied per second. */
  chunkRows: 100,
  rowsPerSec: 5000,
  /** Between catch-up rounds; the log counts as caught up when a round finds at most `lowWater` changes. */
  catchUpMs: 20,
  lowWater: 2,
  maxRounds: 20,
  /** Rows checksummed per second (both sides). */
  verifyRowsPerSec: 20_000,
  /** How long reads run on the target before writes switch. */
  switchReadsMs: 100,
  /** Updating the router's metadata at the flip. */
  flipMs: 20,
} as const;

export interface MoveState extends ShardMoveSnapshot {
  before: Placement;
  after: Placement;
  /** Moving users: where from, where to. */
  moving: Map<number, { from: string; to: string }>;
  /** Per source, the first change-log entry not yet applied to the targets. */
  watermark: Map<string, number>;
  readsSwitched: boolean;
  pausedSince?: number;
  waiters: (() => void)[];
  done: (m: ShardMoveSnapshot) => void;
  /** Theory for this change, and the rows moved against all rows at the flip. */
  totalRows: number;
}

export const copy = (m: MoveState): ShardMoveSnapshot => {
  const {
    before: _b,
    after: _a,
    moving: _m,
    watermark: _w,
    readsSwitched: _r,
    pausedSince: _p,
    waiters: _x,
    done: _d,
    totalRows: _t,
    ...snap
  } = m;
  return {
    ...snap,
    sources: [...snap.sources],
    targets: [...snap.targets],
    phases: snap.phases.map((p) => ({ ...p })),
  };
};

/** A move about to start: who moves where, and theory's share for it. */
export function newMove(o: {
  id: number;
  kind: ShardMoveSnapshot['kind'];
  before: Placement;
  after: Placement;
  users: number;
  now: number;
  done: (m: ShardMoveSnapshot) => void;
}): MoveState {
  const { before, after } = o;
  const moving = new Map<number, { from: string; to: string }>();
  for (const u of userIds(o.users)) {
    const from = shardOf(before, u);
    const to = shardOf(after, u);
    if (from !== to) moving.set(u, { from, to });
  }
  const pairs = [...moving.values()];
  return {
    id: o.id,
    kind: o.kind,
    sources: [...new Set(pairs.map((p) => p.from))].sort(),
    targets: [...new Set(pairs.map((p) => p.to))].sort(),
    phase: 'copy',
    phases: [],
    movingUsers: moving.size,
    snapshotRows: 0,
    copiedRows: 0,
    caughtUpRows: 0,
    movedRows: 0,
    movedShare: 0,
    expectedMovedShare: Number(expectedMovedShare(before, after, o.users).toFixed(4)),
    writePauseMs: 0,
    pausedWrites: 0,
    startedAt: o.now,
    before,
    after,
    moving,
    watermark: new Map(),
    readsSwitched: false,
    waiters: [],
    done: o.done,
    totalRows: 0,
  };
}
