import { describe, expect, it } from 'vitest';
import { commitAcknowledged, parseStandbyNames, type StandbyFeedback } from './modes.ts';

const fb = (name: string, receivedIndex: number, replayedIndex: number, streaming = true): StandbyFeedback => ({
  name,
  streaming,
  receivedIndex,
  replayedIndex,
});

describe('replication modes', () => {
  it('parses synchronous_standby_names as PostgreSQL does', () => {
    expect(parseStandbyNames('FIRST 1 (replica-1)')).toEqual({ method: 'FIRST', num: 1, names: ['replica-1'] });
    expect(parseStandbyNames('any 2 (replica-1, "replica-2", replica-3)')).toEqual({
      method: 'ANY',
      num: 2,
      names: ['replica-1', 'replica-2', 'replica-3'],
    });
    expect(parseStandbyNames('replica-2, replica-3')).toEqual({
      method: 'FIRST',
      num: 1,
      names: ['replica-2', 'replica-3'],
    });
    expect(() => parseStandbyNames('FIRST 3 (replica-1)')).toThrow('asks for 3 of 1 standbys');
    expect(() => parseStandbyNames('FIRST (x')).toThrow('is not a synchronous_standby_names value');
  });

  it('acknowledges semi-sync commits once any replica received them', () => {
    const mode = { mode: 'semi-sync' as const, timeoutMs: 10_000 };
    expect(commitAcknowledged(mode, 5, [fb('replica-1', 4, 4), fb('replica-2', 4, 0)]).ok).toBe(false);
    expect(commitAcknowledged(mode, 5, [fb('replica-1', 4, 4), fb('replica-2', 5, 0)]).ok).toBe(true);
  });

  it('waits for the first streaming standbys (FIRST n) at the chosen level', () => {
    const standbys = parseStandbyNames('FIRST 1 (replica-1, replica-2)');
    const onMode = { mode: 'sync' as const, level: 'on' as const, standbys };
    const applyMode = { mode: 'sync' as const, level: 'remote_apply' as const, standbys };
    const received = [fb('replica-1', 7, 3), fb('replica-2', 0, 0)];
    expect(commitAcknowledged(onMode, 7, received)).toEqual({ ok: true, waitingFor: [] });
    expect(commitAcknowledged(applyMode, 7, received)).toEqual({ ok: false, waitingFor: ['replica-1'] });
    // replica-1 stops streaming: replica-2 becomes the synchronous standby.
    const down = [fb('replica-1', 7, 7, false), fb('replica-2', 6, 6)];
    expect(commitAcknowledged(onMode, 7, down)).toEqual({ ok: false, waitingFor: ['replica-2'] });
    const none = [fb('replica-1', 7, 7, false), fb('replica-2', 7, 7, false)];
    expect(commitAcknowledged(onMode, 7, none)).toEqual({ ok: false, waitingFor: ['1 more synchronous standby'] });
  });

  it('waits for any n listed standbys (ANY n, quorum commit)', () => {
    const mode = {
      mode: 'sync' as const,
      level: 'remote_write' as const,
      standbys: parseStandbyNames('ANY 2 (replica-1, replica-2, replica-3)'),
    };
    expect(commitAcknowledged(mode, 3, [fb('replica-1', 3, 0), fb('replica-2', 2, 0), fb('replica-3', 1, 0)]).ok).toBe(
      false,
    );
    expect(commitAcknowledged(mode, 3, [fb('replica-1', 3, 0), fb('replica-2', 2, 0), fb('replica-3', 3, 0)]).ok).toBe(
      true,
    );
  });
});
