/**
 * A lesson played on the page (issue 10): the lesson compiled to one scenario (src/lessons)
 * runs on a fresh cluster through the session's scenario player, and the clock stops at
 * each step's end. A step is `ready` (paused at its start: read the narration, answer the
 * question, change a setting), `playing`, then `played` (paused at its end: the reveal and
 * the goal, computed by src/lessons from the history over the step's window). Back, a
 * replayed step, "show me", a link to a step and a switch between the learner's paths all
 * rebuild the run by replay (session.ts), so each lands on the exact state the run had.
 * No React: the player (src/ui/lesson) reads `useLessonRun` and calls the actions here.
 */
import { create } from 'zustand';
import { compileLesson } from '../lessons/index.ts';
import type { CompiledLesson, Lesson, LessonStep, MeasureValue } from '../lessons/types.ts';
import { sendCommand } from './commands.ts';
import { describeError } from './format.ts';
import { evaluateStep, type Reveal, type StepOutcome } from './lessonEval.ts';
import { showStepInUrl } from './lessonLinks.ts';
import { dueCommands, followPath, journalUntil, type Paths, startPaths } from './lessonPaths.ts';
import {
  loadProgress,
  type ProgressBook,
  saveProgress,
  withLastStep,
  withPrediction,
  withStepDone,
} from './lessonProgress.ts';
import { findLesson } from './ownLessons.ts';
import type { PageRoute } from './route.ts';
import { replayScenario } from './session.ts';
import { currentLab, useLab } from './store.ts';

export type StepPhase = 'ready' | 'playing' | 'played';
export type LessonMode = 'normal' | 'presenter' | 'embed';

export interface LessonRunState {
  lesson?: Lesson;
  compiled?: CompiledLesson;
  /** Every step of the lesson, in order (the compiled windows share their indexes). */
  steps: LessonStep[];
  stepIndex: number;
  phase: StepPhase;
  mode: LessonMode;
  /** Opened by a challenge link: the question comes first. */
  challenge: boolean;
  /** The steps the learner may move between (an embed's from..to; else the whole lesson). */
  first: number;
  last: number;
  /** Steps whose reference actions ("show me") the scenario plays. */
  reference: string[];
  /** The answer the learner committed to this step's question. */
  answer?: MeasureValue;
  reveal?: Reveal;
  goal?: StepOutcome['goal'];
  hintsShown: number;
  paths: Paths;
  /** What the page is rebuilding, while it does (the player shows it and waits). */
  busy?: string;
  error?: string;
  progress: ProgressBook;
}

const INITIAL: LessonRunState = {
  steps: [],
  stepIndex: 0,
  phase: 'ready',
  mode: 'normal',
  challenge: false,
  first: 0,
  last: 0,
  reference: [],
  hintsShown: 0,
  paths: startPaths(),
  progress: {},
};

export const useLessonRun = create<LessonRunState>()(() => ({ ...INITIAL, progress: loadProgress() }));

const get = useLessonRun.getState;
const set = useLessonRun.setState;

/** The cluster generation this runtime last built or followed; another one means someone else rebuilt. */
let ownGeneration = -1;
let watching = false;

export interface OpenOptions {
  stepId?: string;
  challenge?: boolean;
  mode?: LessonMode;
  fromStep?: string;
  toStep?: string;
}

/**
 * What a lesson or embed view opens, with its player options: the one mapping both the
 * player (ui/shell/lessonSlots.tsx) and the page's first boot (main.tsx) use. Undefined
 * for other screens.
 */
export function lessonOfRoute(route: PageRoute): { lessonId: string; options: OpenOptions } | undefined {
  const { view } = route;
  if (view.screen === 'embed')
    return {
      lessonId: view.lesson,
      options: { challenge: false, mode: 'embed', fromStep: view.from, toStep: view.to },
    };
  if (view.screen !== 'lesson') return undefined;
  const mode = route.presenter ? 'presenter' : 'normal';
  return { lessonId: view.lesson, options: { stepId: view.step, challenge: view.challenge, mode } };
}

/** Whether the player already shows this lesson at this step (a re-render asks again). */
export function isOpen(lessonId: string, stepId: string | undefined): boolean {
  const s = get();
  if (s.lesson?.id !== lessonId) return false;
  return stepId === undefined || s.steps[s.stepIndex]?.id === stepId || s.busy !== undefined;
}

/**
 * Opens a lesson at a step (its first by default): the lesson's reference path up to the
 * step (each earlier step's "show me" actions played as part of the scenario), replayed on
 * a fresh cluster, paused at the step's start.
 */
export async function openLesson(lessonId: string, options: OpenOptions = {}): Promise<void> {
  watch();
  if (get().busy) return;
  const lesson = findLesson(lessonId);
  if (!lesson) {
    set({ ...INITIAL, progress: get().progress, error: `There is no lesson "${lessonId}".` });
    return;
  }
  const steps = lesson.chapters.flatMap((c) => c.steps);
  const indexOf = (id: string | undefined, fallback: number) => {
    const i = id === undefined ? -1 : steps.findIndex((s) => s.id === id);
    return i < 0 ? fallback : i;
  };
  const first = indexOf(options.fromStep, 0);
  const last = Math.max(first, indexOf(options.toStep, steps.length - 1));
  const target = Math.min(last, Math.max(first, indexOf(options.stepId, first)));
  const reference = steps.slice(0, target).flatMap((s) => (s.reference?.length ? [s.id] : []));
  set({
    ...INITIAL,
    progress: get().progress,
    lesson,
    steps,
    mode: options.mode ?? 'normal',
    challenge: options.challenge === true,
    first,
    last,
    reference,
    stepIndex: target,
    paths: startPaths(),
  });
  await rebuild(target, [], reference, `Open "${lesson.title}" at step ${target + 1}`);
}

/** Compiles the lesson with `reference` and rebuilds the run at step `index`'s start from `journal`. */
export async function rebuild(
  index: number,
  journal: Parameters<typeof replayScenario>[2],
  reference: string[],
  doing: string,
) {
  const { lesson } = get();
  if (!lesson || get().busy) return false;
  const wanted = new Set(reference);
  const compiled = compileLesson(lesson, { reference: (id) => wanted.has(id) });
  set({ busy: doing, error: undefined });
  let ok = false;
  try {
    ok = await replayScenario(compiled.scenario, lesson.seed ?? 1, journal, compiled.steps[index].startMs, doing);
  } catch (err) {
    set({ error: `${doing}: ${describeError(err)}` });
  }
  if (!ok) {
    set((s) => ({
      busy: undefined,
      error: s.error ?? `${doing}: the page could not rebuild the run (see the activity log).`,
    }));
    return false;
  }
  ownGeneration = useLab.getState().generation;
  set({ busy: undefined, compiled, reference });
  enter(index);
  return true;
}

/** Shows step `index` at its start: nothing answered or revealed yet, the stop at its end armed. */
export function enter(index: number): void {
  const { lesson, steps, mode } = get();
  if (!lesson) return;
  set((s) => ({
    stepIndex: index,
    phase: 'ready',
    answer: undefined,
    reveal: undefined,
    goal: undefined,
    hintsShown: 0,
    progress: remember(withLastStep(s.progress, lesson.id, steps[index].id)),
  }));
  if (mode !== 'embed') showStepInUrl(lesson.id, steps[index].id);
  armStop();
}

function remember(book: ProgressBook): ProgressBook {
  saveProgress(book);
  return book;
}

/** The current step's window. */
export function windowOf(index = get().stepIndex) {
  return get().compiled?.steps[index];
}

/** The clock stops by itself at the current step's end, however it is played (Next, Play, Step). */
function armStop(): void {
  const lab = currentLab();
  const w = windowOf();
  if (!lab || !w) return;
  const generation = ownGeneration;
  lab.driver.stopAt(w.endMs, () => {
    if (generation === ownGeneration) stepEnded();
  });
}

/** Plays the current step from its start to its end (the path's commands due now are sent first). */
export async function playStep(): Promise<void> {
  const s = get();
  const lab = currentLab();
  if (!lab || s.busy || s.phase !== 'ready') return;
  for (const due of dueCommands(s.paths, lab.cluster.journalCopy(), lab.cluster.clock.now())) {
    await sendCommand(due.command, { quiet: true });
  }
  set({ phase: 'playing' });
  armStop();
  lab.driver.play();
}

/** Commits the learner's answer to the step's question and plays the step. */
export async function commitAnswer(answer: MeasureValue): Promise<void> {
  if (get().phase !== 'ready' || get().busy) return;
  set({ answer });
  await playStep();
}

/** The step has played to its end: reveal, goal, progress. */
function stepEnded(): void {
  const { lesson, steps, stepIndex, answer, progress } = get();
  if (!lesson) return;
  const step = steps[stepIndex];
  const outcome = evaluateNow();
  let book = withStepDone(progress, lesson.id, step.id);
  if (outcome?.reveal && answer !== undefined) book = withPrediction(book, lesson.id, step.id, outcome.reveal.right);
  set({ phase: 'played', reveal: outcome?.reveal, goal: outcome?.goal, progress: remember(book) });
  followPaths();
}

/** The step's reveal and goal now, from the store's snapshot and the run's history. */
function evaluateNow(): StepOutcome | undefined {
  const { steps, stepIndex, answer } = get();
  const w = windowOf();
  const snapshot = useLab.getState().snapshot;
  const lab = currentLab();
  if (!w || !lab || !snapshot) return undefined;
  return evaluateStep(steps[stepIndex], answer, {
    events: lab.cluster.history.all(),
    window: { startMs: w.startMs, endMs: w.endMs },
    snapshot,
  });
}

/** Notes where the learner is on their paths (a new path when they departed from the current one). */
export function followPaths(): void {
  const lab = currentLab();
  const s = get();
  if (!lab || !s.lesson || s.busy) return;
  const paths = followPath(s.paths, lab.cluster.journalCopy(), lab.cluster.clock.now(), s.stepIndex);
  if (paths !== s.paths) set({ paths });
}

/**
 * Follows the page's store: the goal is checked again on every table-rate snapshot while the
 * step plays (so the player shows it changing), the paths follow the learner's commands,
 * and a cluster rebuilt by someone else (the clock's step back) is followed to the step
 * whose window holds its time.
 */
function watch(): void {
  if (watching) return;
  watching = true;
  useLab.subscribe((lab, prev) => {
    const s = get();
    if (!s.lesson || s.busy) return;
    if (lab.generation !== prev.generation && lab.generation !== ownGeneration) return resync();
    if (lab.tableSnapshot === prev.tableSnapshot) return;
    followPaths();
    if (s.phase === 'playing' && s.steps[s.stepIndex].goal) set({ goal: evaluateNow()?.goal });
  });
}

/**
 * Someone else rebuilt the cluster (the clock's step back, a reset): the lesson goes back
 * to the start of the step that time falls in, rebuilt with the learner's commands up to
 * then, so the run is the lesson's again (a reset's cluster has no lesson steps at all).
 */
function resync(): void {
  const now = useLab.getState().snapshot?.nowMs ?? 0;
  const { compiled, reference } = get();
  const windows = compiled?.steps ?? [];
  const found = windows.findIndex((w) => now < w.endMs);
  const index = Math.max(0, found < 0 ? windows.length - 1 : found);
  const lab = currentLab();
  if (!lab || !windows[index]) return;
  ownGeneration = useLab.getState().generation;
  const journal = journalUntil(lab.cluster.journalCopy(), windows[index].startMs);
  void rebuild(index, journal, reference, `Back to the start of step ${index + 1}`);
}

let players = 0;

/**
 * The player mounted: the lesson runs while one is mounted. Returns the unmount, which
 * closes the lesson (its stop dropped, its progress kept) unless a player mounts again at
 * once (React's strict mode mounts twice; a mode switch swaps one player for another).
 */
export function attachPlayer(): () => void {
  players++;
  return () => {
    players--;
    setTimeout(() => {
      if (players === 0) closeLesson();
    }, 0);
  };
}

/** Closes the lesson: the page's cluster is the learner's again (no stop at a step's end). */
export function closeLesson(): void {
  if (!get().lesson) return;
  currentLab()?.driver.clearStop();
  set({ ...INITIAL, progress: get().progress });
}
