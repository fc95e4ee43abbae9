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
  MeasureValue,
  Prediction,
  PredictionResult,
} from './types.ts';

/** What the engine actually did, whether an answer matches it, and why. */
export function evaluatePrediction(predict: Prediction, ctx: EvaluationContext): PredictionResult {
  const { actual, explanation } = MEASURES[predict.measure](ctx, predict.args ?? {});
  const tolerance = predict.answer === 'number' ? (predict.tolerance ?? 0) : 0;
  const correct = (answer: MeasureValue) =>
    predict.answer === 'number'
      ? typeof actual === 'number' && Math.abs(Number(answer) - actual) <= tolerance
      : String(answer) === String(actual);
  return { actual, correct, explanation: predict.explain ? `${explanation} ${predict.explain}` : explanation };
}

/** Whether the step's goal is met over its window, the numbers behind that, and why. */
export function evaluateGoal(goal: Goal, ctx: EvaluationContext): GoalResult {
  return GOALS[goal.check](ctx, goal.args ?? {});
}

const COMPARISON = /^(>=|<=|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)$/;

/** Whether `actual` bears out the narration's claim (a value, or a comparison such as ">0"). */
export function expectationHolds(expect: Expectation, actual: MeasureValue): boolean {
  if (typeof expect === 'number') return actual === expect;
  const m = COMPARISON.exec(expect.trim());
  if (!m) return String(actual) === expect;
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
