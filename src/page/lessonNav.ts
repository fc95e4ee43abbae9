/**
 * Moving through a lesson (see lessonRun.ts): Next plays the step or goes on, Back goes to
 * the previous step's start, Replay step plays the step again with the settings changed
 * since, Show me plays it with the lesson's reference actions, and a switch of paths goes
 * to another of the learner's runs. Every move that goes anywhere but forward rebuilds the
 * run by replay, so it lands on the exact state the run had there.
 */
import { journalForReplay, journalUntil, revisePath, switchPath } from './lessonPaths.ts';
import { enter, followPaths, playStep, rebuild, useLessonRun, windowOf } from './lessonRun.ts';
import { currentLab } from './store.ts';

const get = useLessonRun.getState;
const set = useLessonRun.setState;

/** Next: play the step (its question answered first, if it asks one), or go on to the next step. */
export async function next(): Promise<'asks' | 'moved' | 'none'> {
  const s = get();
  if (s.busy || !s.lesson) return 'none';
  if (s.phase === 'ready') {
    if (s.steps[s.stepIndex].predict && s.answer === undefined) return 'asks';
    await playStep();
    return 'moved';
  }
  if (s.phase === 'playing' || s.stepIndex >= s.last) return 'none';
  const to = s.stepIndex + 1;
  const w = windowOf(to);
  const lab = currentLab();
  if (!w || !lab) return 'none';
  if (lab.cluster.clock.now() === w.startMs) enter(to);
  else await rebuild(to, journalUntil(lab.cluster.journalCopy(), w.startMs), s.reference, `Go to step ${to + 1}`);
  return 'moved';
}

/** Back: the previous step at its start, rebuilt by replaying the run up to then. */
export async function back(): Promise<void> {
  const s = get();
  const lab = currentLab();
  if (s.busy || !lab || s.stepIndex <= s.first) return;
  followPaths();
  const to = s.stepIndex - 1;
  const w = windowOf(to);
  if (!w) return;
  await rebuild(to, journalUntil(lab.cluster.journalCopy(), w.startMs), s.reference, `Back to step ${to + 1}`);
}

/**
 * Plays the current step again from its start, with the settings the learner changed since
 * (commands sent after it played move to its start); without the "show me" actions.
 */
export async function replayStep(): Promise<void> {
  const s = get();
  const lab = currentLab();
  const w = windowOf();
  if (s.busy || !lab || !w) return;
  followPaths();
  const step = s.steps[s.stepIndex];
  const reference = s.reference.filter((id) => id !== step.id);
  const journal = journalForReplay(lab.cluster.journalCopy(), w.startMs, w.endMs);
  if (!(await rebuild(s.stepIndex, journal, reference, `Replay step ${s.stepIndex + 1}`))) return;
  set((now) => ({ paths: revisePath(now.paths, journal) }));
  await playStep();
}

/** Show me: the step played again from its start with its reference actions (what a learner would do). */
export async function showMe(): Promise<void> {
  const s = get();
  const lab = currentLab();
  const w = windowOf();
  const step = s.steps[s.stepIndex];
  if (s.busy || !lab || !w || !step?.reference?.length) return;
  followPaths();
  const reference = [...new Set([...s.reference, step.id])];
  const journal = journalUntil(lab.cluster.journalCopy(), w.startMs);
  if (await rebuild(s.stepIndex, journal, reference, `Show me step ${s.stepIndex + 1}`)) await playStep();
}

/** Switches to another of the learner's paths: its run replayed up to the furthest step it reached. */
export async function choosePath(index: number): Promise<void> {
  const s = get();
  if (s.busy || index === s.paths.current) return;
  followPaths();
  const paths = switchPath(get().paths, index);
  const path = paths.list[paths.current];
  const to = Math.min(s.last, Math.max(s.first, path.stepIndex));
  const w = windowOf(to);
  if (!w) return;
  set({ paths });
  await rebuild(to, journalUntil(path.journal, w.startMs), s.reference, `Switch to path ${path.id}`);
}

export function showHint(): void {
  const { steps, stepIndex, hintsShown } = get();
  const hints = steps[stepIndex]?.hints ?? [];
  if (hintsShown < hints.length) set({ hintsShown: hintsShown + 1 });
}
