/**
 * The lesson format's types (scenario format version 2), shared by the lesson engine
 * (src/lessons) and the lesson UI (src/page/lesson*.ts, src/ui/lesson*): a lesson is a
 * scenario cut into chapters of steps, each with narration, the commands it runs, an
 * optional prediction asked before it plays and an optional goal checked after. Exported
 * names are a contract with the UI: add, never rename.
 */
import type { ClusterSnapshot, Recorded } from '../engine/index.ts';
import type { Scenario, ScenarioSettings, Step } from '../scenarios/schema.ts';

export const LESSON_VERSION = 2;

/** A lesson file, parsed and validated. */
export interface Lesson {
  version: 2;
  /** Slug used in links: `#lesson/<id>/<step-id>`. */
  id: string;
  title: string;
  /** One or two sentences: what the lesson teaches (the landing screen's list shows it). */
  summary: string;
  /** How long it takes, in minutes. */
  minutes: number;
  seed?: number;
  settings?: ScenarioSettings;
  chapters: LessonChapter[];
}

export interface LessonChapter {
  title: string;
  steps: LessonStep[];
}

export interface LessonStep {
  /** Slug, unique in the lesson. */
  id: string;
  title: string;
  /** A safe Markdown subset; HTML in it is shown as text. */
  narration: string;
  /** Scenario steps; `at` is ms RELATIVE to the step's start (default: one after another). */
  actions?: Step[];
  /** How long the clock plays after the last action before the step's outcome is final (default 0). */
  runMs?: number;
  /** Asked before the step plays; revealed from the history once it has played. */
  predict?: Prediction;
  /** Checked over the step's window once it has played. */
  goal?: Goal;
  hints?: string[];
  /**
   * What a learner would do to reach the goal (e.g. turn on a read-your-writes fix): played
   * before the step's actions only by `--check` and by the UI's "show me", never otherwise.
   */
  reference?: Step[];
}

/** Names of the measures a prediction can ask about (see measures.ts). */
export type MeasureName =
  | 'readSawOrder'
  | 'readVerdict'
  | 'servedBy'
  | 'promotedNode'
  | 'lostAckedOrders'
  | 'commitLatencyMs'
  | 'staleReads'
  | 'rywViolations'
  | 'monotonicViolations'
  | 'failedWrites'
  | 'ackedWrites'
  | 'splitBrain'
  | 'behindEntries'
  | 'downtimeMs'
  | 'primaryReadShare'
  | 'readLatencyMs'
  | 'probedShard'
  | 'movedRowsPercent'
  | 'duplicateOrderIds'
  | 'scatterShards'
  | 'moveOutcome'
  | 'failedShardWritesPercent'
  | 'scatterOutcome';

/** Names of the goals a step can set (see goals.ts). */
export type GoalName =
  | 'noRywViolations'
  | 'noStaleReads'
  | 'noMonotonicViolations'
  | 'noLostAckedOrders'
  | 'promotedMostUpToDate'
  | 'readSawOwnWrite'
  | 'noSplitBrain'
  | 'commitLatencyBelow'
  | 'noFailedWrites';

/**
 * Arguments measures and goals take (each uses the ones it documents):
 * - `user`: only this user's operations (e.g. "user 1001's read");
 * - `node`: only this node (e.g. the node a count or a lag is about);
 * - `order`: an order id, or "latest" (default): the user's newest order acknowledged before the read;
 * - `read`: which read in the window, "last" (default) or "first";
 * - `minReads`: at least this many completed reads in the window, or the goal is not met;
 * - `ms`: a latency bound;
 * - `stat`: which commit latency: "p50" (default), "max" or "last";
 * - `includeLoad`: count the load generator's operations too (default: yes for counts, no for "this read");
 * - `from`: "step" (default) looks at the step's window only; "lesson" from the lesson's start
 *   to the step's end (e.g. the orders every failover so far has lost).
 */
export interface MeasureArgs {
  user?: number;
  node?: string;
  order?: number | 'latest';
  read?: 'first' | 'last';
  minReads?: number;
  ms?: number;
  stat?: 'p50' | 'max' | 'last';
  includeLoad?: boolean;
  from?: 'step' | 'lesson';
}

/**
 * One choice of a multiple-choice prediction: its value is compared with the measure's
 * answer, as text ("yes", "replica-2") or, for a number, as a comparison or a range
 * (">0", "<=50", "30000..60000"): see `expectationHolds`.
 */
export interface LessonChoice {
  value: string;
  label: string;
}

/**
 * What the narration claims the answer will be: a value ("yes", "replica-2", 0), a
 * comparison on a number (">0", ">=2", "<50", "=0", "!=0") or a range ("40..60",
 * inclusive). `--check` fails a lesson whose computed answer contradicts it.
 */
export type Expectation = string | number;

interface PredictionBase {
  question: string;
  measure: MeasureName;
  args?: MeasureArgs;
  /** The narration's claim about the answer (checked by `--check`, never shown as the answer). */
  expect?: Expectation;
  /** Shown with the reveal, after the computed explanation. */
  explain?: string;
}

export interface ChoicePrediction extends PredictionBase {
  choices: LessonChoice[];
  answer?: undefined;
}

export interface NumberPrediction extends PredictionBase {
  answer: 'number';
  /** How far off a guess may be and still count as right (default 0). */
  tolerance?: number;
  choices?: undefined;
}

export type Prediction = ChoicePrediction | NumberPrediction;

export interface Goal {
  /** What the learner is asked to achieve, in plain words. */
  text: string;
  check: GoalName;
  args?: MeasureArgs;
}

/**
 * A step's engine-time window: what began from `startMs` up to (not including) `endMs`
 * belongs to the step, where the next step's actions begin; operations count once they
 * completed by `endMs`.
 */
export interface LessonWindow {
  startMs: number;
  endMs: number;
}

/** What a measure or a goal reads: the whole history, the step's window, the snapshot at its end. */
export interface EvaluationContext {
  events: readonly Recorded[];
  window: LessonWindow;
  snapshot?: ClusterSnapshot;
}

/** The answer a measure computes. */
export type MeasureValue = string | number;

export interface PredictionResult {
  /** What the engine actually did (a choice's value, or a number). */
  actual: MeasureValue;
  /** Whether a learner's answer matches `actual` (a number within the tolerance, a choice by value). */
  correct: (answer: MeasureValue) => boolean;
  /** One or two sentences on why, with the evidence from the history. */
  explanation: string;
}

export interface GoalResult {
  met: boolean;
  /** The numbers behind the verdict ("0 violations in 24 reads"). */
  detail: string;
  /** Why it is met or not, in plain words. */
  why: string;
}

/** A step's place in the compiled scenario. */
export interface CompiledStep {
  id: string;
  /** Chapter index, from 0. */
  chapter: number;
  chapterTitle: string;
  title: string;
  /** Index of the step in the whole lesson, from 0. */
  index: number;
  startMs: number;
  endMs: number;
}

export interface CompiledLesson {
  scenario: Scenario;
  steps: CompiledStep[];
}

export interface CompileOptions {
  /** Play each step's `reference` actions too (the `--check` path, the UI's "show me"). */
  reference?: boolean | ((stepId: string) => boolean);
}

/** A library entry as the landing screen lists it. */
export interface LessonInfo {
  id: string;
  title: string;
  summary: string;
  minutes: number;
  chapters: LessonChapter[];
}

/** `--check`'s findings for one step. */
export interface StepCheck {
  id: string;
  title: string;
  window: LessonWindow;
  prediction?: { question: string; actual: MeasureValue; explanation: string; expect?: Expectation; ok: boolean };
  /** `metWithoutReference`: the goal checked on the path without reference actions (steps that have them). */
  goal?: { text: string; metWithoutReference?: boolean } & GoalResult;
  problems: string[];
}

export interface LessonCheck {
  lesson: string;
  ok: boolean;
  steps: StepCheck[];
  problems: string[];
}
