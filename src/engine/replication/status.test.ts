/**
 * pg_stat_replication's sync_state column, by PostgreSQL's rules for
 * synchronous_standby_names (FIRST n in list order among connected standbys, ANY n quorum).
 */
import { describe, expect, it } from 'vitest';
import { parseStandbyNames } from './modes.ts';
import { syncStates } from './status.ts';

const sync = (names: string) => ({ mode: 'sync' as const, level: 'on' as const, standbys: parseStandbyNames(names) });

describe('syncStates', () => {
  it('marks every standby async when no mode is synchronous', () => {
    expect(syncStates(['replica-1', 'replica-2'], { mode: 'async' })).toEqual({
      'replica-1': 'async',
      'replica-2': 'async',
    });
    expect(syncStates(['replica-1'], { mode: 'semi-sync', timeoutMs: 10_000 })).toEqual({ 'replica-1': 'async' });
  });

  it('FIRST n: the first n listed standbys that are connected are sync, in list order; other listed ones potential', () => {
    const states = syncStates(['replica-1', 'replica-3', 'replica-2'], sync('FIRST 1 (replica-2, replica-1)'));
    expect(states).toEqual({ 'replica-1': 'potential', 'replica-2': 'sync', 'replica-3': 'async' });
  });

  it('FIRST n: a listed standby that is not connected leaves its place to the next one', () => {
    expect(syncStates(['replica-1', 'replica-3'], sync('FIRST 1 (replica-2, replica-1)'))).toEqual({
      'replica-1': 'sync',
      'replica-3': 'async',
    });
  });

  it('ANY n: every listed connected standby is quorum', () => {
    expect(syncStates(['replica-1', 'replica-2', 'replica-3'], sync('ANY 1 (replica-1, replica-2)'))).toEqual({
      'replica-1': 'quorum',
      'replica-2': 'quorum',
      'replica-3': 'async',
    });
  });
});
