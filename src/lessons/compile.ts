/**
 * A lesson as one ordinary scenario (version 1, absolute `at` times) plus each step's
 * engine-time window: the page plays a lesson with the existing scenario player and pauses
 * at each window's end; the headless check runs the same scenario. A step's actions run at
 * their `at` relative to the step's start; the step ends `runMs` after its last action
 * (or wait), so the operations it started have finished before its outcome is read.
 */
import { SCENARIO_VERSION, type Scenario, type Step, stepTimes } from '../scenarios/schema.ts';
import type { CompiledLesson, CompiledStep, CompileOptions, Lesson, LessonStep } from './types.ts';

/** Time a step plays after its last action when it does not say (lets a write or read finish). */
export const DEFAULT_RUN_MS = 200;

/** Where a compiled scenario step came from: the lesson step (chapter index, id). */
export interface ActionOrigin {
  chapter: number;
  id: string;
}

function wantsReference(options: CompileOptions, id: string): boolean {
  return typeof options.reference === 'function' ? options.reference(id) : options.reference === true;
}

/** The step's actions, with its reference actions first when asked for (stable by relative time). */
function actionsOf(step: LessonStep, reference: boolean): Step[] {
  const own = step.actions ?? [];
  if (!reference || !step.reference?.length) return own;
  const ref = stepTimes(step.reference).times.map((t, i) => ({ ...step.reference?.[i], at: t }) as Step);
  const mine = stepTimes(own).times.map((t, i) => ({ ...own[i], at: t }) as Step);
  return [...ref, ...mine].sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
}

/** Compiles, and says which lesson step each scenario step came from. */
export function compileWithOrigins(
  lesson: Lesson,
  options: CompileOptions = {},
): CompiledLesson & { origins: ActionOrigin[] } {
  const steps: Step[] = [];
  const origins: ActionOrigin[] = [];
  const windows: CompiledStep[] = [];
  let cursor = 0;
  let index = 0;
  lesson.chapters.forEach((chapter, c) => {
    for (const step of chapter.steps) {
      const actions = actionsOf(step, wantsReference(options, step.id));
      const { times, endMs } = stepTimes(actions);
      actions.forEach((action, i) => {
        steps.push({ ...action, at: cursor + times[i] });
        origins.push({ chapter: c, id: step.id });
      });
      const startMs = cursor;
      const endAt = cursor + endMs + (step.runMs ?? DEFAULT_RUN_MS);
      // A marker at the step's end: the scenario (and its history) reaches every boundary.
      steps.push({ at: endAt, do: 'wait', ms: 0, note: `end of step "${step.id}"` });
      origins.push({ chapter: c, id: step.id });
      windows.push({
        id: step.id,
        chapter: c,
        chapterTitle: chapter.title,
        title: step.title,
        index: index++,
        startMs,
        endMs: endAt,
      });
      cursor = endAt;
    }
  });
  const scenario: Scenario = {
    version: SCENARIO_VERSION,
    name: lesson.title,
    description: lesson.summary,
    ...(lesson.seed !== undefined ? { seed: lesson.seed } : {}),
    ...(lesson.settings ? { settings: lesson.settings } : {}),
    steps,
  };
  return { scenario, steps: windows, origins };
}

/** A lesson as one scenario and its steps' windows (see the file comment). */
export function compileLesson(lesson: Lesson, options: CompileOptions = {}): CompiledLesson {
  const { scenario, steps } = compileWithOrigins(lesson, options);
  return { scenario, steps };
}
