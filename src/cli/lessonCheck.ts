/**
 * `npm run scenario -- <lesson.json | lesson-id> --check` and `--check --all`: plays each
 * lesson's reference path headless on real PGlite nodes and reports, step by step, the
 * computed answer to each prediction and whether each goal was met. An instructor runs it
 * after writing or editing a lesson: a non-zero exit means the lesson no longer teaches
 * what its narration says. Exit codes: 0 every lesson passed, 1 a lesson failed its
 * check, 2 a bad argument or an invalid lesson file.
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  checkLesson,
  isLessonFile,
  LESSONS,
  type Lesson,
  type LessonCheck,
  lessonById,
  parseLesson,
} from '../lessons/index.ts';
import { inProcessFactory } from '../platform/node/nodeFactory.ts';
import { parseJsonText, ScenarioError } from '../scenarios/schema.ts';

/** The lesson a target names: a lesson file (version 2), or a library lesson's id. */
export function loadLesson(target: string): Lesson {
  if (existsSync(target)) {
    const json = parseJsonText(readFileSync(target, 'utf8'), target, 'a lesson', 7);
    if (!isLessonFile(json))
      throw new ScenarioError([
        `${target} is a scenario (version 1), not a lesson: --check applies to lessons (version 2)`,
      ]);
    return parseLesson(json);
  }
  const lesson = lessonById(target.replace(/\.json$/, ''));
  if (lesson) return lesson;
  throw new ScenarioError([
    `no lesson file "${target}" and no library lesson of that id; lessons: ${LESSONS.map((l) => l.id).join(', ')}`,
  ]);
}

/** One lesson's check as text: each step's answer and goal, then its problems. */
export function formatCheck(check: LessonCheck): string {
  const out = [`${check.ok ? 'PASS' : 'FAIL'} ${check.lesson}`];
  for (const s of check.steps) {
    const head = `  ${s.id} (${s.window.startMs}-${s.window.endMs} ms)`;
    if (s.prediction)
      out.push(
        `${head} predict: ${JSON.stringify(s.prediction.actual)}${s.prediction.expect !== undefined ? ` (narration expects ${JSON.stringify(s.prediction.expect)}${s.prediction.ok ? '' : ': CONTRADICTED'})` : ''}: ${s.prediction.explanation}`,
      );
    if (s.goal)
      out.push(
        `${head} goal ${s.goal.met ? 'met' : 'NOT MET'}${s.goal.metWithoutReference === false ? ' (and not met without the reference actions)' : ''}: ${s.goal.text}: ${s.goal.detail}. ${s.goal.why}`,
      );
  }
  for (const p of check.problems) out.push(`  problem: ${p}`);
  return out.join('\n');
}

/** Runs the check for `target` (or every library lesson); resolves with the exit code. */
export async function lessonCheckMain(
  target: string | undefined,
  options: { all: boolean; seed?: number; json: boolean; emit: (text: string) => void },
): Promise<number> {
  let lessons: readonly Lesson[];
  try {
    if (options.all) lessons = LESSONS;
    else if (target) lessons = [loadLesson(target)];
    else {
      console.error('--check needs a lesson file or id, or --all');
      return 2;
    }
  } catch (err) {
    if (err instanceof ScenarioError) {
      console.error(`invalid lesson ${target}: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const checks: LessonCheck[] = [];
  for (const lesson of lessons) {
    console.error(`checking "${lesson.title}"...`);
    const check = await checkLesson(lesson, inProcessFactory, { seed: options.seed });
    checks.push(check);
    if (!options.json) options.emit(formatCheck(check));
  }
  if (options.json) options.emit(JSON.stringify(options.all ? checks : checks[0], null, 2));
  const failed = checks.filter((c) => !c.ok);
  if (options.all && !options.json) options.emit(`${checks.length - failed.length} of ${checks.length} lessons passed`);
  return failed.length ? 1 : 0;
}
