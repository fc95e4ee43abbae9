/**
 * The learner's paths: going back keeps the path, doing something else there starts a new
 * one and keeps the old, and the journals a rebuild replays (up to a step, a step replayed
 * with settings changed after it played).
 */
import { describe, expect, it } from 'vitest';
import type { Command, JournalEntry } from '../engine/index.ts';
import {
  dueCommands,
  followPath,
  journalForReplay,
  journalUntil,
  ownCommands,
  revisePath,
  startPaths,
  switchPath,
} from './lessonPaths.ts';

const entry = (at: number, command: Command, processed = at): JournalEntry => ({ at, processed, command });
const fix = entry(1000, { do: 'setRywStrategy', strategy: 'primary-after-write' } as Command);
const lag = entry(2000, { do: 'setLag', node: 'replica-1', ms: 0 } as Command);
const other = entry(1000, { do: 'setRywStrategy', strategy: 'time-window' } as Command);
const look = entry(1500, { do: 'inspectWal', entry: 1 } as Command);

describe('lesson paths', () => {
  it('extends the current path as the learner goes on, and names it by its first command', () => {
    let paths = startPaths();
    expect(paths.list[0].label).toBe('The lesson as written');
    paths = followPath(paths, [fix], 1200, 1);
    paths = followPath(paths, [fix, look, lag], 2500, 2);
    expect(paths.list).toHaveLength(1);
    expect(paths.list[0].journal).toEqual([fix, lag]);
    expect(paths.list[0].stepIndex).toBe(2);
    expect(paths.list[0].label).toMatch(/^From setRywStrategy primary-after-write at 1\.0 s/);
  });

  it('keeps the path after going back, and starts a new one when the learner does something else', () => {
    let paths = followPath(startPaths(), [fix, lag], 2500, 3);
    // Back to 1.0 s: the rest of the path lies ahead; still on it.
    paths = followPath(paths, [fix], 1000, 1);
    expect(paths.list).toHaveLength(1);
    expect(paths.list[0].journal).toEqual([fix, lag]);
    // Back to the start, another choice: a new path, the old one kept as it was.
    paths = followPath(paths, [other], 1000, 1);
    expect(paths.list).toHaveLength(2);
    expect(paths.current).toBe(1);
    expect(paths.list[0].journal).toEqual([fix, lag]);
    expect(paths.list[0].stepIndex).toBe(3);
    expect(paths.list[1].journal).toEqual([other]);
    expect(switchPath(paths, 0).current).toBe(0);
    expect(switchPath(paths, 7).current).toBe(1);
  });

  it('counts playing past a command of the path without it as another path', () => {
    let paths = followPath(startPaths(), [fix, lag], 2500, 3);
    paths = followPath(paths, [fix], 2600, 3);
    expect(paths.list).toHaveLength(2);
    expect(paths.list[1].label).toMatch(/^Without setLag replica-1 0 at 2\.0 s/);
  });

  it('sends again the commands of the path due at a step start (a replay matches by time and command)', () => {
    const paths = followPath(startPaths(), [fix, lag], 2500, 3);
    expect(dueCommands(paths, [fix], 2000)).toEqual([lag]);
    expect(dueCommands(paths, [fix], 1500)).toEqual([]);
    // The same command re-sent after a different number of events is the same entry.
    expect(dueCommands(paths, [{ ...fix, processed: 99 }, lag], 2000)).toEqual([]);
    expect(dueCommands(paths, [other], 2000)).toEqual([]);
  });

  it('a revised path (a step replayed with its settings moved to the start) keeps its place and is renamed', () => {
    let paths = followPath(startPaths(), [fix], 1200, 1);
    const moved = { ...fix, at: 800, processed: 0 };
    paths = revisePath(paths, [moved]);
    expect(paths.list).toHaveLength(1);
    expect(paths.list[0].journal).toEqual([moved]);
    expect(paths.list[0].label).toMatch(/at 0\.8 s$/);
  });

  it('ignores commands that only look', () => {
    expect(ownCommands([look, fix])).toEqual([fix]);
  });

  it('builds the journals a rebuild replays', () => {
    expect(journalUntil([fix, lag], 1999)).toEqual([fix]);
    expect(journalUntil([fix, lag], 2000)).toEqual([fix, lag]);
    // A step from 1000 to 1800: the fix at its start stays, a command during it is dropped,
    // one sent after it played moves to its start (sent there after the replay's events).
    const during = entry(1400, { do: 'setLag', node: 'replica-2', ms: 5 } as Command);
    const after = entry(1800, { do: 'setLag', node: 'replica-1', ms: 0 } as Command, 77);
    expect(journalForReplay([fix, during, after], 1000, 1800)).toEqual([fix, { ...after, at: 1000, processed: 0 }]);
  });
});
