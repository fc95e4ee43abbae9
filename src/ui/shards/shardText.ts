/**
 * The sharding panel's words, pure: what each strategy and id mode does (with the system
 * that does it that way), each resharding phase's name and meaning, a move's progress and
 * its rows against theory, and the shard picture in one sentence for screen readers.
 */
import type {
  IdMode,
  ReshardPhase,
  ScatterQueryName,
  ShardingSnapshot,
  ShardingStrategy,
  ShardMoveSnapshot,
} from '../../engine/index.ts';
import { formatCount, formatMs, formatPercent } from '../../page/format.ts';
import type { OptionText } from '../routing/routingText.ts';

export const STRATEGY_TEXT: Record<ShardingStrategy, OptionText> = {
  modulo: {
    label: 'user_id % N',
    text: "the document's getShardForUser: even, but adding a shard moves about N/(N+1) of the rows",
  },
  range: {
    label: 'Geography (ranges)',
    text: 'US East / US West / Europe / Asia ranges, as Vitess shards own key ranges: uneven, and hot at a region’s peak',
  },
  directory: {
    label: 'Directory (lookup table)',
    text: 'a table maps each user and category to a shard (a Vitess lookup vindex): moves only what it must',
  },
  ring: {
    label: 'Consistent hashing (ring)',
    text: 'each shard owns points on a hash ring: adding one moves about 1/(N+1), evenly only with enough virtual nodes',
  },
  'hash-ranges': {
    label: 'Fixed hash ranges (Citus)',
    text: 'the hash space cut into logical shards (Citus: 32) placed on nodes: a new node takes whole logical shards',
  },
};

export const ID_TEXT: Record<IdMode, OptionText> = {
  serial: {
    label: "Each shard's own serial",
    text: "the document's schema: every shard's sequence counts on its own, so order ids collide across shards",
  },
  global: {
    label: 'Global ids (shard-prefixed)',
    text: 'each shard hands out ids from its own block (shard number in the high digits, like Snowflake ids): unique',
  },
};

export const SCATTER_TEXT: Record<ScatterQueryName, OptionText> = {
  'top-products': {
    label: 'Top selling products',
    text: 'no shard key in the query: every shard answers and the router merges, as slow as the slowest shard',
  },
  'order-count': { label: 'Count of orders', text: 'every shard counts its own rows; the router adds them up' },
};

export const PHASE_TEXT: Record<ReshardPhase, OptionText> = {
  copy: { label: 'Copy', text: 'rows copied in chunks from a consistent snapshot of the source' },
  'catch-up': { label: 'Catch-up', text: "writes made since the snapshot replayed from the source's change log" },
  verify: { label: 'Verify', text: 'row counts and checksums compared on both sides (Vitess VDiff)' },
  'switch-reads': { label: 'Switch reads', text: 'reads of the moving keys go to the target' },
  'switch-writes': {
    label: 'Switch writes',
    text: 'writes on the moving keys pause, a final catch-up, routing flips',
  },
  cleanup: { label: 'Clean up', text: "the source's copies of the moved rows are deleted" },
};

export type PhaseState = 'done' | 'running' | 'pending' | 'failed';

export function phaseState(move: ShardMoveSnapshot, phase: ReshardPhase): PhaseState {
  const record = move.phases.find((p) => p.phase === phase);
  if (!record) return move.phase === 'failed' ? 'failed' : 'pending';
  if (record.endedAt !== undefined) return 'done';
  return move.phase === 'failed' ? 'failed' : 'running';
}

export function describeMoveKind(move: ShardMoveSnapshot): string {
  const to = move.targets.join(', ');
  const from = move.sources.join(', ');
  // % N lists every shard as a target (keys reshuffle among all of them): name the new one.
  const added = move.targets.filter((t) => !move.sources.includes(t)).join(', ') || to;
  const left = move.sources.filter((s) => !move.targets.includes(s)).join(', ') || from;
  if (move.kind === 'add') return `Adding ${added}: rows move from ${from}`;
  if (move.kind === 'remove')
    return `Removing ${left}: its rows move to ${move.targets.filter((t) => t !== left).join(', ') || to}`;
  return `Moving a logical shard from ${from} to ${to}`;
}

/** "312 of 1,000 rows moved (31.2 %); theory says 33.3 %" */
export function describeMoved(move: ShardMoveSnapshot): string {
  const copied = `${formatCount(move.copiedRows)} of ${formatCount(move.snapshotRows)} snapshot rows copied`;
  const caught = move.caughtUpRows > 0 ? `, ${formatCount(move.caughtUpRows)} caught up` : '';
  const share =
    move.phase === 'done'
      ? `; ${formatCount(move.movedRows)} rows moved, ${formatPercent(move.movedShare)} of all (theory: ${formatPercent(move.expectedMovedShare)})`
      : `; theory: ${formatPercent(move.expectedMovedShare)} of the rows move`;
  return `${copied}${caught}${share}`;
}

export function describePause(move: ShardMoveSnapshot): string {
  if (move.writePauseMs === 0 && move.phase !== 'done') return 'Writes not paused yet.';
  return `Writes on the moving keys paused ${formatMs(move.writePauseMs)} (${formatCount(move.pausedWrites)} writes waited).`;
}

/** The shard picture in one sentence (the SVG's accessible name). */
export function describeShards(s: ShardingSnapshot): string {
  const live = s.shards.filter((x) => x.state !== 'removed');
  const parts = live.map((x) => `${x.name} ${x.state}, ${formatCount(x.rows)} rows`);
  const move = s.move ? `. ${describeMoveKind(s.move)}, phase ${s.move.phase}` : '';
  return `Router in front of ${live.length} shards (${STRATEGY_TEXT[s.strategy].label}): ${parts.join('; ')}${move}`;
}
