/**
 * The headless lesson check (`npm run scenario -- <lesson> --check`): plays the lesson's
 * reference path on a real cluster, as fast as the virtual clock goes, stops at each step's
 * window end, and evaluates each prediction (reporting the actual answer) and each goal
 * there. A lesson fails the check when a goal is unreachable on the reference path, when a
 * computed answer contradicts the narration's `expect`, or when it is none of the choices.
 */
import { Cluster, type NodeFactory } from '../engine/index.ts';
import { scenarioSettings, scheduleSteps } from '../scenarios/runner.ts';
import { compileLesson } from './compile.ts';
import { evaluateGoal, evaluatePrediction, expectationHolds } from './evaluate.ts';
import type { EvaluationContext, Lesson, LessonCheck, LessonStep, LessonWindow, StepCheck } from './types.ts';

/** The evaluation context of a window on a running cluster: its whole history and its snapshot now. */
export function contextAt(cluster: Cluster, window: LessonWindow): EvaluationContext {
  return { events: cluster.history.all(), window, snapshot: cluster.getSnapshot() };
}

/** Evaluates one step's prediction and goal once its window has played. */
export function checkStep(step: LessonStep, where: string, ctx: EvaluationContext): StepCheck {
  const problems: string[] = [];
  const result: StepCheck = { id: step.id, title: step.title, window: ctx.window, problems };
  if (step.predict) {
    const p = step.predict;
    const { actual, explanation } = evaluatePrediction(p, ctx);
    const ok = p.expect === undefined || expectationHolds(p.expect, actual);
    result.prediction = {
      question: p.question,
      actual,
      explanation,
      ok,
      ...(p.expect !== undefined ? { expect: p.expect } : {}),
    };
    if (!ok)
      problems.push(
        `${where}: the narration expects ${p.measure} ${JSON.stringify(p.expect)}, but the engine computed ${JSON.stringify(actual)}: ${explanation}`,
      );
    const matching = p.choices?.filter((c) => expectationHolds(c.value, actual)) ?? [];
    if (p.choices && matching.length !== 1)
      problems.push(
        `${where}: the answer ${JSON.stringify(actual)} matches ${matching.length ? 'more than one' : 'none'} of the choices (${p.choices.map((c) => JSON.stringify(c.value)).join(', ')}): ${explanation}`,
      );
  }
  if (step.goal) {
    const g = evaluateGoal(step.goal, ctx);
    result.goal = { text: step.goal.text, ...g };
    if (!g.met)
      problems.push(`${where}: goal "${step.goal.text}" is not met on the reference path (${g.detail}): ${g.why}`);
  }
  return result;
}

/** Plays the compiled lesson on a fresh cluster, calling `visit` at each step's window end (up to `last`). */
async function play(
  lesson: Lesson,
  factory: NodeFactory,
  options: { seed?: number; reference: boolean; last?: number },
  visit: (index: number, where: string, ctx: EvaluationContext) => void,
): Promise<void> {
  const { scenario, steps: windows } = compileLesson(lesson, { reference: options.reference });
  const cluster = await Cluster.boot(factory, scenarioSettings(scenario, options.seed));
  try {
    const run = scheduleSteps(cluster, scenario);
    for (const [i, w] of windows.entries()) {
      if (options.last !== undefined && i > options.last) break;
      await cluster.clock.runUntil(w.endMs);
      const failure = run.failure();
      if (failure) {
        // The run names the scenario step; a lesson names its own step, so say only why.
        const why = (failure as Error).cause ?? failure;
        throw new Error(`chapter ${w.chapter + 1}, step "${w.id}": an action failed: ${(why as Error).message ?? why}`);
      }
      visit(i, `chapter ${w.chapter + 1}, step "${w.id}"`, contextAt(cluster, { startMs: w.startMs, endMs: w.endMs }));
    }
  } finally {
    await cluster.close();
  }
}

/**
 * Plays the lesson's reference path headless and reports each step's answers and goals.
 * Then, unless `plainPath` is false, plays it again without the reference actions up to
 * the last step that has them: a goal already met there gives the learner nothing to do.
 */
export async function checkLesson(
  lesson: Lesson,
  factory: NodeFactory,
  options: { seed?: number; plainPath?: boolean } = {},
): Promise<LessonCheck> {
  const all = lesson.chapters.flatMap((c) => c.steps);
  const steps: StepCheck[] = [];
  try {
    await play(lesson, factory, { seed: options.seed, reference: true }, (i, where, ctx) =>
      steps.push(checkStep(all[i], where, ctx)),
    );
  } catch (err) {
    // A command a step sends failed outright (not an operation that failed in the model).
    return { lesson: lesson.id, ok: false, steps, problems: [(err as Error).message] };
  }
  const challenged = all.flatMap((s, i) => (s.goal && s.reference?.length ? [i] : []));
  if (options.plainPath !== false && challenged.length > 0) {
    await play(lesson, factory, { seed: options.seed, reference: false, last: challenged.at(-1) }, (i, where, ctx) => {
      const step = all[i];
      const goal = steps[i].goal;
      if (!challenged.includes(i) || !step.goal || !goal) return;
      const plain = evaluateGoal(step.goal, ctx);
      goal.metWithoutReference = plain.met;
      if (plain.met)
        steps[i].problems.push(
          `${where}: goal "${step.goal.text}" is met even without the reference actions (${plain.detail}): the learner has nothing to do`,
        );
    });
  }
  const problems = steps.flatMap((s) => s.problems);
  return { lesson: lesson.id, ok: problems.length === 0, steps, problems };
}
