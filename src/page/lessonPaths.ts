/**
 * The learner's paths through a lesson. A path is the journal of the learner's own commands
 * since the lesson started (the lesson's steps are the scenario's, the same on every path)
 * and the furthest step it reached. Going back keeps the path as it was; sending a command
 * that departs from it there starts a new path, so the earlier one stays reachable: switch
 * to it and the page replays it. Pure: no engine, no DOM.
 */
import type { Command, JournalEntry } from '../engine/index.ts';

export interface LessonPath {
  id: number;
  journal: JournalEntry[];
  /** The furthest step index reached on it. */
  stepIndex: number;
  /** What sets it apart, in words (its first own command, or "The lesson as written"). */
  label: string;
  /** Where it departs from the path it came from (its first command of its own). */
  from: number;
}

export interface Paths {
  list: LessonPath[];
  current: number;
}

/** Commands that only look (they change no state): never a reason for a new path. */
const LOOKS: ReadonlySet<string> = new Set(['inspectWal']);

/** The learner's commands that count for a path. */
export function ownCommands(journal: readonly JournalEntry[]): JournalEntry[] {
  return journal.filter((e) => !LOOKS.has(e.command.do));
}

/** Same command at the same engine time (the event count may differ after a re-timed replay). */
function sameEntry(a: JournalEntry, b: JournalEntry): boolean {
  return a.at === b.at && JSON.stringify(a.command) === JSON.stringify(b.command);
}

function isPrefix(shorter: readonly JournalEntry[], longer: readonly JournalEntry[]): boolean {
  return shorter.length <= longer.length && shorter.every((e, i) => sameEntry(e, longer[i]));
}

/** A command as a short label: `setRywStrategy primary-after-write at 12.3 s`. */
export function describeCommand(entry: JournalEntry): string {
  const { do: action, ...fields } = entry.command as Command & Record<string, unknown>;
  const values = Object.values(fields)
    .filter((v) => v !== undefined)
    .map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v)));
  return `${[action, ...values].join(' ')} at ${(entry.at / 1000).toFixed(1)} s`;
}

function labelFor(journal: readonly JournalEntry[], from: number): string {
  const first = journal[from];
  return first ? `From ${describeCommand(first)}` : 'The lesson as written';
}

/** A path's label once its journal changed: its first own command (a "Without ..." path keeps its name). */
function relabel(path: LessonPath, own: readonly JournalEntry[]): string {
  return path.label.startsWith('Without') ? path.label : labelFor(own, path.from);
}

export function startPaths(journal: JournalEntry[] = [], stepIndex = 0): Paths {
  const own = ownCommands(journal);
  return { list: [{ id: 1, journal: own, stepIndex, label: labelFor(own, 0), from: 0 }], current: 0 };
}

/**
 * The paths once the learner is at engine time `nowMs`, step `stepIndex`, with `journal`.
 * Still on the current path when the journal is the path's start and the rest of the path
 * lies ahead (at or after `nowMs`: after going back); extending it when the journal
 * continues it; otherwise the learner departed from it, and the journal is a new current
 * path, the old one kept as it was.
 */
export function followPath(paths: Paths, journal: readonly JournalEntry[], nowMs: number, stepIndex: number): Paths {
  const own = ownCommands(journal);
  const path = paths.list[paths.current];
  if (isPrefix(own, path.journal) && path.journal.slice(own.length).every((e) => e.at >= nowMs)) {
    if (stepIndex <= path.stepIndex) return paths;
    return replaceCurrent(paths, { ...path, stepIndex });
  }
  if (isPrefix(path.journal, own)) {
    return replaceCurrent(paths, {
      ...path,
      journal: own,
      label: relabel(path, own),
      stepIndex: Math.max(stepIndex, path.stepIndex),
    });
  }
  const departs = own.findIndex((e, i) => !path.journal[i] || !sameEntry(e, path.journal[i]));
  const id = Math.max(...paths.list.map((p) => p.id)) + 1;
  const from = departs < 0 ? own.length : departs;
  const label = departs < 0 ? `Without ${describeCommand(path.journal[own.length])}` : labelFor(own, departs);
  const list = [...paths.list, { id, journal: own, stepIndex, label, from }];
  return { list, current: list.length - 1 };
}

/**
 * The current path revised in place: a step replayed with other settings is the same path
 * tried again, not a new one (going back and choosing differently is).
 */
export function revisePath(paths: Paths, journal: readonly JournalEntry[]): Paths {
  const own = ownCommands(journal);
  const path = paths.list[paths.current];
  return replaceCurrent(paths, {
    ...path,
    journal: own,
    label: relabel(path, own),
  });
}

/**
 * The current path's commands due at `nowMs` that the run has not sent yet: after going
 * back to a step, the settings the learner had changed at its start, sent again before it
 * plays so the path plays as it did.
 */
export function dueCommands(paths: Paths, journal: readonly JournalEntry[], nowMs: number): JournalEntry[] {
  const own = ownCommands(journal);
  const path = paths.list[paths.current];
  if (!isPrefix(own, path.journal)) return [];
  const due: JournalEntry[] = [];
  for (const e of path.journal.slice(own.length)) {
    if (e.at !== nowMs) break;
    due.push(e);
  }
  return due;
}

function replaceCurrent(paths: Paths, path: LessonPath): Paths {
  return { ...paths, list: paths.list.map((p, i) => (i === paths.current ? path : p)) };
}

/** Makes path `index` the current one (the page then replays its journal). */
export function switchPath(paths: Paths, index: number): Paths {
  return index >= 0 && index < paths.list.length ? { ...paths, current: index } : paths;
}

/** The journal's commands sent up to engine time `atMs` (what a rebuild at `atMs` replays). */
export function journalUntil(journal: readonly JournalEntry[], atMs: number): JournalEntry[] {
  return journal.filter((e) => e.at <= atMs);
}

/**
 * The journal to replay a step with the learner's new settings: the commands sent up to the
 * step's start as they were, those sent once it had played (at or after `endMs`: the settings
 * changed after seeing the outcome) moved to its start, and those sent while it played
 * dropped (they belonged to the run being replaced).
 */
export function journalForReplay(journal: readonly JournalEntry[], startMs: number, endMs: number): JournalEntry[] {
  const before = journal.filter((e) => e.at <= startMs);
  const after = journal
    .filter((e) => e.at >= endMs && endMs > startMs)
    .map((e) => ({ ...e, at: startMs, processed: 0 }));
  return [...before, ...after];
}
