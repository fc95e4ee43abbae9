/**
 * The sharding views' page runtime: the row ledger, counted from the whole history (not
 * the snapshot's 20-second window): rows there were when the orders were sharded plus the
 * writes acknowledged since, against the rows the shards hold. Once a move has cleaned up,
 * the two must be equal: fewer means rows were lost, more that copies were left behind.
 * Followed incrementally, so a frame costs only the events new since the last one.
 */
import type { Recorded } from '../engine/index.ts';
import { currentLab } from './store.ts';

export interface RowLedger {
  /** Whether the cluster has been sharded at all. */
  sharded: boolean;
  /** Rows distributed when sharding was (last) set. */
  initialRows: number;
  /** Writes acknowledged by a shard since then. */
  ackedWrites: number;
  /** What the shards should hold: initialRows + ackedWrites. */
  expectedRows: number;
}

const EMPTY: RowLedger = { sharded: false, initialRows: 0, ackedWrites: 0, expectedRows: 0 };

/** Folds history events into a ledger; a new `shard.config` (sharding set again) starts it over. */
export function foldLedger(ledger: RowLedger, events: readonly Recorded[], from = 0): RowLedger {
  let { sharded, initialRows, ackedWrites } = ledger;
  for (let i = from; i < events.length; i++) {
    const e = events[i];
    if (e.type === 'shard.config') {
      sharded = true;
      initialRows = e.copiedRows;
      ackedWrites = 0;
    } else if (e.type === 'shard.write.ok') ackedWrites++;
  }
  return { sharded, initialRows, ackedWrites, expectedRows: initialRows + ackedWrites };
}

let followed: { events: readonly Recorded[]; upTo: number; ledger: RowLedger } | undefined;

/** The running cluster's ledger, up to its newest event. */
export function currentRowLedger(): RowLedger {
  const events = currentLab()?.cluster.history.all();
  if (!events) return EMPTY;
  if (followed?.events !== events || followed.upTo > events.length) followed = { events, upTo: 0, ledger: EMPTY };
  if (followed.upTo < events.length) {
    followed = { events, upTo: events.length, ledger: foldLedger(followed.ledger, events, followed.upTo) };
  }
  return followed.ledger;
}

/** What the ledger says against the rows the shards hold now. */
export function ledgerVerdict(
  ledger: RowLedger,
  heldRows: number,
  moving: boolean,
): { kind: 'even' | 'copies' | 'lost'; text: string } {
  const diff = heldRows - ledger.expectedRows;
  const counts = `${ledger.initialRows} rows sharded + ${ledger.ackedWrites} writes acknowledged since = ${ledger.expectedRows}; the shards hold ${heldRows}`;
  if (diff === 0) return { kind: 'even', text: `${counts}: nothing lost, nothing duplicated.` };
  if (diff > 0)
    return {
      kind: 'copies',
      text: `${counts}: ${diff} ${moving ? 'copies on their way (the source keeps its rows until clean-up)' : 'committed, their acknowledgement on its way'}.`,
    };
  return { kind: 'lost', text: `${counts}: ${-diff} rows missing.` };
}
