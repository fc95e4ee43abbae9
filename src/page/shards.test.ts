/**
 * The row ledger: rows sharded plus writes acknowledged since, started over when sharding
 * is set again, followed from any position; and its verdict against the rows held.
 */
import { describe, expect, it } from 'vitest';
import { History, type HistoryEvent, type Recorded } from '../engine/index.ts';
import { foldLedger, followRowLedger, ledgerVerdict, rowLedgerOf } from './shards.ts';

const ev = (e: object) => e as Recorded;
const config = (copiedRows: number) =>
  ev({ type: 'shard.config', copiedRows, shards: [], strategy: 'modulo', ids: 'serial' });
const ok = ev({ type: 'shard.write.ok' });
const empty = { sharded: false, initialRows: 0, ackedWrites: 0, expectedRows: 0 };

describe('row ledger', () => {
  it('counts the rows sharded and the writes acknowledged since, from any position', () => {
    const events = [ok, config(40), ok, ev({ type: 'shard.write.fail' }), ok];
    expect(foldLedger(empty, events)).toEqual({ sharded: true, initialRows: 40, ackedWrites: 2, expectedRows: 42 });
    const half = foldLedger(empty, events.slice(0, 3));
    expect(foldLedger(half, events, 3)).toEqual(foldLedger(empty, events));
  });
  it('follows a bounded history as it records, so dropping old events loses nothing it counts', () => {
    const history = new History(() => 0);
    const record = (e: object) => history.record(e as HistoryEvent);
    record({ type: 'shard.config', copiedRows: 40, shards: [], strategy: 'modulo', ids: 'serial' });
    const follow = followRowLedger(history);
    history.keepAtMost(10);
    for (let i = 0; i < 100; i++) record({ type: i % 2 ? 'shard.write.ok' : 'shard.write.fail' });
    expect(history.firstSeq).toBeGreaterThan(0);
    expect(history.all().some((e) => e.type === 'shard.config')).toBe(false);
    // Folded from what is left, the count would be wrong; followed, it is whole.
    expect(foldLedger(empty, history.all()).expectedRows).toBeLessThan(90);
    expect(rowLedgerOf(history)).toEqual({ sharded: true, initialRows: 40, ackedWrites: 50, expectedRows: 90 });
    follow();
    record({ type: 'shard.write.ok' });
    expect(rowLedgerOf(history).expectedRows, 'no longer followed').toBe(90);
  });
  it('starts over when sharding is set again', () => {
    expect(foldLedger(empty, [config(40), ok, config(41), ok]).expectedRows).toBe(42);
  });
  it('says nothing lost when the rows held equal the ledger, copies during a move, missing rows otherwise', () => {
    const ledger = foldLedger(empty, [config(40), ok]);
    expect(ledgerVerdict(ledger, 41, false)).toMatchObject({ kind: 'even' });
    expect(ledgerVerdict(ledger, 41, false).text).toContain('nothing lost, nothing duplicated');
    expect(ledgerVerdict(ledger, 50, true).text).toContain('9 copies on their way');
    expect(ledgerVerdict(ledger, 39, false)).toMatchObject({ kind: 'lost' });
  });
});
