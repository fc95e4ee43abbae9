/**
 * A step's outcome as the player shows it: the reveal (the learner's answer against what
 * the engine computed over the step's window, with the lesson engine's explanation) and the
 * goal's status. Never an answer of its own: both come from src/lessons' measures and goals
 * over the run's history, so a different lag gives a different right answer. Pure.
 */
import { evaluateGoal, evaluatePrediction, matchingChoice } from '../lessons/index.ts';
import type { EvaluationContext, GoalResult, LessonStep, MeasureValue, Prediction } from '../lessons/types.ts';

export interface Reveal {
  /** The committed answer (absent when the step played without one: the clock's own Play). */
  answer?: MeasureValue;
  actual: MeasureValue;
  /** The actual answer in the question's words (a choice's label, or the number). */
  actualText: string;
  answerText?: string;
  right: boolean;
  explanation: string;
}

export interface StepOutcome {
  reveal?: Reveal;
  goal?: GoalResult;
}

/** An answer the learner gave, in the question's words: the label of the choice with that value. */
export function answerText(predict: Prediction, value: MeasureValue): string {
  const choice = predict.choices?.find((c) => c.value === String(value));
  return choice ? choice.label : String(value);
}

/**
 * The engine's answer in the question's words: the choice it falls in (by value, comparison
 * or range), with the computed number when the choice is a range ("87 (More than 60%)").
 */
export function actualText(predict: Prediction, actual: MeasureValue): string {
  const choice = matchingChoice(predict, actual);
  if (!choice) return String(actual);
  return choice.value === String(actual) ? choice.label : `${actual} (${choice.label})`;
}

export function evaluateStep(step: LessonStep, answer: MeasureValue | undefined, ctx: EvaluationContext): StepOutcome {
  const outcome: StepOutcome = {};
  if (step.predict) {
    const result = evaluatePrediction(step.predict, ctx);
    outcome.reveal = {
      answer,
      actual: result.actual,
      actualText: actualText(step.predict, result.actual),
      answerText: answer === undefined ? undefined : answerText(step.predict, answer),
      right: answer !== undefined && result.correct(answer),
      explanation: result.explanation,
    };
  }
  if (step.goal) outcome.goal = evaluateGoal(step.goal, ctx);
  return outcome;
}

/** The reveal's first sentence: right or not, and the engine's answer. */
export function revealHeadline(reveal: Reveal): string {
  const actual = `The engine's answer: ${reveal.actualText}.`;
  if (reveal.answer === undefined) return `You did not commit an answer. ${actual}`;
  return reveal.right
    ? `Right: you said ${reveal.answerText}. ${actual}`
    : `Not quite: you said ${reveal.answerText}. ${actual}`;
}
