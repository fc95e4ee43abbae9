/**
 * The sharding views' page runtime: the row ledger, counted from the whole history (not
 * the snapshot's 20-second window): rows there were when the orders were sharded plus the
 * writes acknowledged since, against the rows the shards hold. Once a move has cleaned up,
 * the two must be equal: fewer means rows were lost, more that copies were left behind.
 * Followed as the history records (from connect), so it costs one type check per event and
 * stays whole when the page bounds its history (old events dropped in a long free play).
 */
import type { Cluster, Recorded } from '../engine/index.ts';
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

const followed = new WeakMap<Cluster['history'], { ledger: RowLedger }>();

/** Starts the ledger of `history` from what it holds and keeps it up to date as it records. */
export function followRowLedger(history: Cluster['history']): () => void {
  const state = { ledger: foldLedger(EMPTY, history.all()) };
  followed.set(history, state);
  return history.onRecord((e) => {
    if (e.type === 'shard.config' || e.type === 'shard.write.ok') state.ledger = foldLedger(state.ledger, [e]);
  });
}

/** The ledger of a followed history (empty when nobody follows it). */
export function rowLedgerOf(history: Cluster['history']): RowLedger {
  return followed.get(history)?.ledger ?? EMPTY;
}

/** The running cluster's ledger, up to its newest event. */
export function currentRowLedger(): RowLedger {
  const history = currentLab()?.cluster.history;
  return history ? rowLedgerOf(history) : EMPTY;
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
