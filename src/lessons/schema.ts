/**
 * The lesson file format (scenario format version 2): validation with messages that name
 * the chapter, the step id, the action and the field, like the scenario format's
 * (`chapter 2, step "kill" (killNode): field "node": ...`). Actions are checked by the
 * scenario format itself (src/scenarios/schema.ts): a lesson's commands are scenario steps.
 */
import { z } from 'zod';
import { issueText, shown } from '../engine/index.ts';
import {
  parseJsonText,
  parseScenario,
  ScenarioError,
  SettingsSchema,
  type Step,
  validateAction,
} from '../scenarios/schema.ts';
import { compileWithOrigins } from './compile.ts';
import { GOALS } from './goals.ts';
import { MEASURES } from './measures.ts';
import { LESSON_VERSION, type Lesson, type LessonChoice, type LessonStep } from './types.ts';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a slug: lower-case letters, digits and dashes');
const text = (what: string) => z.string().min(1, `give the ${what}`);

const Args = z.strictObject({
  user: z.number().int().optional(),
  node: z.string().optional(),
  order: z.union([z.number().int(), z.literal('latest')]).optional(),
  read: z.enum(['first', 'last']).optional(),
  minReads: z.number().int().min(0).optional(),
  ms: z.number().min(0).optional(),
  stat: z.enum(['p50', 'max', 'last']).optional(),
  includeLoad: z.boolean().optional(),
  from: z.enum(['step', 'lesson']).optional(),
});

const measureNames = Object.keys(MEASURES) as [string, ...string[]];
const goalNames = Object.keys(GOALS) as [string, ...string[]];

const Expect = z.union([
  z.number(),
  z.string().min(1, 'expected a value or a comparison such as ">0"'),
  // The keyed form: { "lostAckedOrders": ">0" } (the key must be the prediction's measure).
  z.record(z.string(), z.union([z.number(), z.string()])),
]);

const Predict = z
  .strictObject({
    question: text('question'),
    measure: z.enum(measureNames, `expected a measure: ${measureNames.join(', ')}`),
    args: Args.optional(),
    choices: z
      .array(z.union([z.string().min(1), z.strictObject({ value: z.string().min(1), label: z.string().min(1) })]))
      .min(2, 'a multiple-choice question needs at least two choices')
      .optional(),
    answer: z.literal('number', 'expected "number" (or give "choices" instead)').optional(),
    tolerance: z.number().min(0).optional(),
    expect: Expect.optional(),
    explain: z.string().optional(),
  })
  .refine((p) => (p.choices === undefined) !== (p.answer === undefined), {
    message: 'give either "choices" (multiple choice) or "answer": "number"',
  });

const Goal = z.strictObject({
  text: text('goal text'),
  check: z.enum(goalNames, `expected a goal check: ${goalNames.join(', ')}`),
  args: Args.optional(),
});

const StepShape = z.strictObject({
  id: slug,
  title: text('step a title'),
  narration: z.string('expected narration text (Markdown)'),
  actions: z.array(z.unknown()).optional(),
  runMs: z.number().min(0, 'expected 0 or more milliseconds').optional(),
  predict: Predict.optional(),
  goal: Goal.optional(),
  hints: z.array(z.string().min(1)).optional(),
  reference: z.array(z.unknown()).optional(),
});

const ChapterShape = z.strictObject({
  title: text('chapter a title'),
  steps: z.array(z.unknown()).min(1, 'a chapter needs at least one step'),
});

const LessonShape = z.strictObject({
  version: z.literal(LESSON_VERSION, 'expected 2 (a lesson; version 1 files are plain scenarios)'),
  id: slug,
  title: text('lesson a title'),
  summary: text('lesson a summary'),
  minutes: z.number().positive('expected the minutes the lesson takes'),
  seed: z.number().int().optional(),
  settings: SettingsSchema.optional(),
  chapters: z.array(z.unknown()).min(1, 'a lesson needs at least one chapter'),
});

/** Where a problem is: `chapter 2, step "kill"`. */
const place = (chapter: number, id: string | undefined) => `chapter ${chapter + 1}${id ? `, step "${id}"` : ''}`;

function normalizeChoices(choices: (string | LessonChoice)[] | undefined): LessonChoice[] | undefined {
  return choices?.map((c) => (typeof c === 'string' ? { value: c, label: c } : c));
}

function validateStep(raw: unknown, chapter: number, seen: Set<string>, problems: string[]): LessonStep | undefined {
  const id = (raw as { id?: unknown } | undefined)?.id;
  const where = place(chapter, typeof id === 'string' ? id : undefined);
  const shape = StepShape.safeParse(raw);
  if (!shape.success) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(
        `${where}: expected a step like {"id": "...", "title": "...", "narration": "..."}, got ${shown(raw)}`,
      );
    } else for (const issue of shape.error.issues) problems.push(`${where}: ${issueText(issue, raw)}`);
    return undefined;
  }
  const s = shape.data;
  if (seen.has(s.id)) problems.push(`${where}: field "id": another step already has the id "${s.id}"`);
  seen.add(s.id);
  const actions = s.actions?.map((a, i) => validateAction(a, `${where}: action ${i + 1}`, where, problems));
  const reference = s.reference?.map((a, i) =>
    validateAction(a, `${where}: reference action ${i + 1}`, where, problems),
  );
  for (const list of [actions, reference]) if (list) checkOrder(list, where, problems);
  const predict = s.predict;
  if (predict?.expect !== undefined && typeof predict.expect === 'object') {
    const keys = Object.keys(predict.expect);
    if (keys.length !== 1 || keys[0] !== predict.measure) {
      problems.push(
        `${where}: field "predict.expect": name the prediction's own measure, as {"${predict.measure}": ...} (got ${shown(predict.expect)})`,
      );
    }
  }
  if (predict?.choices && predict.tolerance !== undefined) {
    problems.push(`${where}: field "predict.tolerance" applies only to "answer": "number"`);
  }
  const { predict: _p, actions: _a, reference: _r, ...rest } = s;
  return {
    ...rest,
    ...(actions ? { actions: actions as Step[] } : {}),
    ...(reference ? { reference: reference as Step[] } : {}),
    ...(predict
      ? {
          predict: {
            ...predict,
            ...(typeof predict.expect === 'object' ? { expect: Object.values(predict.expect)[0] } : {}),
            ...(predict.choices ? { choices: normalizeChoices(predict.choices) } : {}),
          } as LessonStep['predict'],
        }
      : {}),
  } as LessonStep;
}

/** Actions run in the order written: an `at` (relative to the step) may not go back in time. */
function checkOrder(actions: (Step | undefined)[], where: string, problems: string[]): void {
  let previous = 0;
  for (const action of actions) {
    if (!action) continue;
    if (action.at !== undefined) {
      if (action.at < previous)
        problems.push(
          `${where} (${action.do}): field "at": ${action.at} is earlier than the action before it (at ${previous} ms into the step); actions run in the order written`,
        );
      previous = action.at;
    }
    if (action.do === 'wait') previous += action.ms;
  }
}

/** Validates a parsed JSON value as a lesson; throws ScenarioError naming every problem. */
export function parseLesson(input: unknown): Lesson {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new ScenarioError([
      `a lesson is a JSON object with "version": 2, "id", "title", "summary", "minutes" and "chapters", got ${shown(input)}`,
    ]);
  }
  const shape = LessonShape.safeParse(input);
  if (!shape.success) throw new ScenarioError(shape.error.issues.map((issue) => issueText(issue, input)));
  const problems: string[] = [];
  const seen = new Set<string>();
  const chapters = shape.data.chapters.map((raw, c) => {
    const chapter = ChapterShape.safeParse(raw);
    if (!chapter.success) {
      for (const issue of chapter.error.issues) problems.push(`chapter ${c + 1}: ${issueText(issue, raw)}`);
      return undefined;
    }
    return { title: chapter.data.title, steps: chapter.data.steps.map((s) => validateStep(s, c, seen, problems)) };
  });
  if (problems.length > 0) throw new ScenarioError(problems);
  const lesson = { ...shape.data, version: LESSON_VERSION, chapters } as Lesson;
  crossCheck(lesson, problems);
  if (problems.length > 0) throw new ScenarioError(problems);
  return lesson;
}

/**
 * The checks that need the whole lesson (nodes that exist, app servers, strategy fields):
 * the compiled scenario goes through the scenario format's own checks, and each problem is
 * reported at the lesson step its action came from.
 */
function crossCheck(lesson: Lesson, problems: string[]): void {
  const { scenario, origins } = compileWithOrigins(lesson, { reference: true });
  try {
    parseScenario(scenario);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    for (const p of err.problems) {
      const m = /^step (\d+) \(([^)]+)\): (.*)$/s.exec(p);
      const origin = m ? origins[Number(m[1]) - 1] : undefined;
      problems.push(origin ? `${place(origin.chapter, origin.id)} (${m?.[2]}): ${m?.[3]}` : p);
    }
  }
}

/** Parses lesson text (a file's contents), with the scenario format's size and depth limits. */
export function parseLessonText(text: string, source = 'lesson'): Lesson {
  return parseLesson(parseJsonText(text, source, 'a lesson', 7));
}

/** Whether a parsed file is a lesson (version 2) rather than a scenario. */
export function isLessonFile(json: unknown): boolean {
  return !!json && typeof json === 'object' && (json as { version?: unknown }).version === LESSON_VERSION;
}
