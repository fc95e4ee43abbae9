import { describe, expect, it } from 'vitest';
import { availabilityFrom, downtimePerYearMs, formatDuration } from './availability.ts';
import { chooseCandidate } from './candidate.ts';
import { rewindSql } from './rewind.ts';

const r = (name: string, receivedIndex: number, receivedLsn: number, reachable = true) => ({
  name,
  receivedIndex,
  receivedLsn,
  reachable,
});

describe('candidate choice', () => {
  const replicas = [r('replica-1', 3, 1000), r('replica-2', 9, 5000), r('replica-3', 7, 4000)];
  it("promotes replica-1 whatever it has under the seed's rule, the most advanced under Patroni's", () => {
    expect(chooseCandidate('first-replica', replicas, 5000).candidate).toBe('replica-1');
    expect(chooseCandidate('most-up-to-date', replicas, 5000).candidate).toBe('replica-2');
  });
  it('skips unreachable replicas and those over maximum_lag_on_failover', () => {
    const choice = chooseCandidate(
      'most-up-to-date',
      [r('replica-1', 3, 1000), r('replica-2', 9, 5000, false)],
      5000,
      2000,
    );
    expect(choice.candidate).toBeUndefined();
    expect(choice.rejected.map((x) => x.name)).toEqual(['replica-2', 'replica-1']);
  });
  it('promotes only the hidden standby in a Multi-AZ topology', () => {
    const withStandby = [...replicas, { ...r('standby', 1, 10), standby: true }];
    expect(chooseCandidate('most-up-to-date', withStandby, 5000).candidate).toBe('standby');
  });
});

describe('availability', () => {
  it('turns nines into downtime a year as the seed does', () => {
    expect(formatDuration(downtimePerYearMs(0.995))).toBe('43.8 h');
    expect(formatDuration(downtimePerYearMs(0.9999))).toBe('52.6 min');
    expect(availabilityFrom(20_000, 12)).toBeCloseTo(1 - 240_000 / (365 * 24 * 3600 * 1000), 12);
  });
});

describe('rewind', () => {
  it('undoes changes newest first and refuses a TRUNCATE', () => {
    const sql = rewindSql([
      { changes: [{ table: 'orders', op: 'INSERT', key: { order_id: 5 }, oldRow: null, newRow: { order_id: 5 } }] },
      {
        changes: [
          {
            table: 'inventory',
            op: 'UPDATE',
            key: { product_id: 1 },
            oldRow: { product_id: 1, quantity: 9 },
            newRow: { product_id: 1, quantity: 8 },
          },
        ],
      },
    ]);
    const lines = sql?.split('\n') ?? [];
    expect(lines[2]).toMatch(/^UPDATE "inventory" SET/);
    expect(lines[3]).toMatch(/^DELETE FROM "orders" WHERE/);
    expect(
      rewindSql([{ changes: [{ table: 'orders', op: 'TRUNCATE', key: {}, oldRow: null, newRow: null }] }]),
    ).toBeUndefined();
  });

  it('says why nobody can be promoted: unreachable replicas, or reachable ones lacking acknowledged sync commits', () => {
    const view = (name: string, reachable: boolean, receivedIndex: number) => ({
      name,
      reachable,
      receivedLsn: receivedIndex * 100,
      receivedIndex,
      standby: false,
    });
    const down = [view('replica-1', false, 3), view('replica-2', false, 3)];
    expect(chooseCandidate('most-up-to-date', down, 300).reason).toBe('no reachable replica');
    const behind = [view('replica-1', false, 3), view('replica-2', true, 1)];
    expect(chooseCandidate('most-up-to-date', behind, 300, undefined, 3)).toMatchObject({
      candidate: undefined,
      reason: 'no reachable replica holds every acknowledged synchronous commit',
    });
    const far = [view('replica-1', true, 1)];
    expect(chooseCandidate('most-up-to-date', far, 10_000_000, 1000).reason).toBe('no replica is within the lag limit');
  });
});
