/**
 * Reveals and goal checks for the UI and the headless check: a prediction's answer is the
 * measure computed from the history over the step's window, and a learner's answer is
 * right when it matches (a number within the tolerance). An `expect` is the narration's
 * claim about that answer; `expectationHolds` says whether the engine bore it out.
 */
import { GOALS } from './goals.ts';
import { MEASURES } from './measures.ts';
import type {
  EvaluationContext,
  Expectation,
  Goal,
  GoalResult,
  LessonChoice,
  MeasureArgs,
  MeasureValue,
  Prediction,
  PredictionResult,
} from './types.ts';

/** The window an entry looks at: the step's, or from the lesson's start with `from: "lesson"`. */
function scoped(ctx: EvaluationContext, args: MeasureArgs | undefined): EvaluationContext {
  return args?.from === 'lesson' ? { ...ctx, window: { startMs: 0, endMs: ctx.window.endMs } } : ctx;
}

/** What the engine actually did, whether an answer matches it, and why. */
export function evaluatePrediction(predict: Prediction, ctx: EvaluationContext): PredictionResult {
  const { actual, explanation } = MEASURES[predict.measure](scoped(ctx, predict.args), predict.args ?? {});
  const tolerance = predict.answer === 'number' ? (predict.tolerance ?? 0) : 0;
  const correct = (answer: MeasureValue) =>
    predict.answer === 'number'
      ? typeof actual === 'number' && Math.abs(Number(answer) - actual) <= tolerance
      : expectationHolds(String(answer), actual);
  return { actual, correct, explanation: predict.explain ? `${explanation} ${predict.explain}` : explanation };
}

/**
 * The choice an answer falls in: the one whose value matches it (by value, comparison or
 * range), so a reveal can show the computed 2 as the choice "Some (>0)". Undefined when
 * none or several match (`--check` fails such a lesson).
 */
export function matchingChoice(predict: Prediction, value: MeasureValue): LessonChoice | undefined {
  const found = predict.choices?.filter((c) => expectationHolds(c.value, value)) ?? [];
  return found.length === 1 ? found[0] : undefined;
}

/** Whether the step's goal is met over its window, the numbers behind that, and why. */
export function evaluateGoal(goal: Goal, ctx: EvaluationContext): GoalResult {
  return GOALS[goal.check](scoped(ctx, goal.args), goal.args ?? {});
}

const COMPARISON = /^(>=|<=|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)$/;
const RANGE = /^(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)$/;

/**
 * Whether `actual` bears out a claim or matches a choice: the same value, or for a number
 * a comparison (">0", "<=50") or an inclusive range ("30000..60000").
 */
export function expectationHolds(expect: Expectation, actual: MeasureValue): boolean {
  if (typeof expect === 'number') return actual === expect;
  if (String(actual) === expect) return true;
  const range = RANGE.exec(expect.trim());
  if (range) return typeof actual === 'number' && actual >= Number(range[1]) && actual <= Number(range[2]);
  const m = COMPARISON.exec(expect.trim());
  if (!m) return false;
  if (typeof actual !== 'number') return false;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>':
      return actual > n;
    case '>=':
      return actual >= n;
    case '<':
      return actual < n;
    case '<=':
      return actual <= n;
    case '!=':
      return actual !== n;
    default:
      return actual === n;
  }
}
