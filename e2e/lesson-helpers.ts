/**
 * What the lesson specs share: the library's lessons (read from their files), each one's
 * computed answers from the CLI's headless check of its reference path (`npm run scenario
 * -- <lesson> --check --json`), and the learner's moves through the player by roles and
 * names: open a step's link, answer a question and check the reveal names the engine's
 * value, play a step, meet a goal, go on. No fixed sleeps: every wait is on the page's text.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, note } from './helpers.ts';

export interface LessonJson {
  id: string;
  title: string;
  chapters: { title: string; steps: StepJson[] }[];
}
export interface StepJson {
  id: string;
  title: string;
  predict?: { question: string; answer?: 'number'; tolerance?: number; choices?: { value: string; label: string }[] };
  goal?: { text: string };
  reference?: unknown[];
}
export interface StepCheck {
  id: string;
  prediction?: { actual: string | number };
  goal?: { met: boolean };
}
export interface LessonCheck {
  lesson: string;
  steps: StepCheck[];
}

const LIBRARY = 'src/lessons/library';
/** A choice written as a bare string is its own value and label (as the lesson format reads it). */
function withChoiceObjects(lesson: LessonJson): LessonJson {
  for (const step of lesson.chapters.flatMap((c) => c.steps)) {
    const choices = step.predict?.choices as (string | { value: string; label: string })[] | undefined;
    if (step.predict && choices)
      step.predict.choices = choices.map((c) => (typeof c === 'string' ? { value: c, label: c } : c));
  }
  return lesson;
}

export const LESSONS: LessonJson[] = readdirSync(LIBRARY)
  .filter((f) => f.endsWith('.json'))
  .map((f) => withChoiceObjects(JSON.parse(readFileSync(`${LIBRARY}/${f}`, 'utf8')) as LessonJson));

const checks = new Map<string, LessonCheck>();

/** The lesson's computed answers on its reference path, from the CLI's headless check. */
export function checkOf(lesson: string): LessonCheck {
  const known = checks.get(lesson);
  if (known) return known;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/scenario.ts', lesson, '--check', '--json'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (!run.stdout) throw new Error(`the check of ${lesson} printed nothing (${run.status}): ${run.stderr}`);
  const check = JSON.parse(run.stdout) as LessonCheck;
  checks.set(lesson, check);
  return check;
}

export const stepsOf = (lesson: LessonJson) => lesson.chapters.flatMap((c) => c.steps);

export function player(page: Page): Locator {
  return page.getByRole('region', { name: 'Lesson' });
}

export async function openStep(page: Page, lesson: LessonJson, step: string, challenge = false): Promise<void> {
  await page.goto(`/#lesson/${lesson.id}/${step}${challenge ? '?challenge' : ''}`);
  const index = stepsOf(lesson).findIndex((s) => s.id === step);
  // Two boots (the page's first cluster, then the lesson's): slow on a loaded machine, where
  // a boot can time out (contention, not the lesson): then the page is loaded once more.
  const heading = player(page).getByRole('heading', { level: 2 });
  const bootFailed = page.getByRole('alert').filter({ hasText: 'failed to boot' });
  const tryAgain = player(page).getByRole('button', { name: 'Try again' });
  await expect(heading.or(bootFailed).or(tryAgain)).toBeVisible({ timeout: 300_000 });
  if (await bootFailed.isVisible()) {
    note('boot', `retried after: ${await bootFailed.textContent()}`);
    await page.reload();
  } else if (await tryAgain.isVisible()) {
    note('boot', `lesson retried after: ${await player(page).getByRole('alert').textContent()}`);
    await tryAgain.click();
  }
  await expectStep(page, lesson, index, 300_000);
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('8');
}

/** Follows a link to another step in the page already open (a hash change: no reload, no new page boot). */
export async function followLink(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
}

export async function expectStep(page: Page, lesson: LessonJson, index: number, timeout = 60_000): Promise<void> {
  const steps = stepsOf(lesson);
  await expect(player(page).getByRole('heading', { level: 2 })).toHaveText(
    `Step ${index + 1} of ${steps.length}: ${steps[index].title}`,
    { timeout },
  );
  await expect(player(page)).toHaveAttribute('aria-busy', 'false', { timeout });
  await expect(page).toHaveURL(new RegExp(`#lesson/${lesson.id}/${steps[index].id}$`));
}

/** Whether a choice's value (a value, a comparison such as ">0", or a range "a..b") holds for `actual`. */
function holds(value: string, actual: string | number): boolean {
  if (value === String(actual)) return true;
  if (typeof actual !== 'number') return false;
  const range = /^(-?[\d.]+)\.\.(-?[\d.]+)$/.exec(value);
  if (range) return actual >= Number(range[1]) && actual <= Number(range[2]);
  const cmp = /^(>=|<=|!=|>|<|=)(-?[\d.]+)$/.exec(value);
  if (!cmp) return false;
  const n = Number(cmp[2]);
  const ops: Record<string, boolean> = {
    '>': actual > n,
    '>=': actual >= n,
    '<': actual < n,
    '<=': actual <= n,
    '!=': actual !== n,
    '=': actual === n,
  };
  return ops[cmp[1]];
}

/** The answer to give: the computed one (right) or another (wrong), as the form takes it. */
export function answerFor(
  step: StepJson,
  actual: string | number,
  right: boolean,
): { label?: string; number?: string } {
  const p = step.predict;
  if (!p) throw new Error(`step ${step.id} asks nothing`);
  if (p.answer === 'number') return { number: String(right ? actual : Number(actual) + (p.tolerance ?? 0) + 7) };
  const choice = (p.choices ?? []).find((c) => holds(c.value, actual) === right);
  if (!choice) throw new Error(`step ${step.id}: no choice for ${JSON.stringify(actual)} (right: ${right})`);
  return { label: choice.label };
}

/** The computed value as the reveal words it: the choice it falls in (with the number for a range), or the number. */
export function actualText(step: StepJson, actual: string | number): string {
  const choice = step.predict?.choices?.find((c) => holds(c.value, actual));
  if (!choice) return String(actual);
  return choice.value === String(actual) ? choice.label : `${actual} (${choice.label})`;
}

/** Answers the step's question, commits, and checks the reveal against the engine's value. */
export async function predict(page: Page, step: StepJson, actual: string | number, right: boolean): Promise<void> {
  const question = player(page).getByRole('group', { name: step.predict?.question });
  await expect(question).toBeVisible();
  const answer = answerFor(step, actual, right);
  if (answer.number !== undefined) await question.getByRole('spinbutton', { name: 'Your answer' }).fill(answer.number);
  else await question.getByRole('radio', { name: answer.label, exact: true }).check();
  await player(page).getByRole('button', { name: 'Commit answer and play' }).click();
  const reveal = player(page).getByTestId('lesson-reveal');
  await expect(reveal).toContainText(`The engine's answer: ${actualText(step, actual)}.`, { timeout: 240_000 });
  await expect(reveal).toContainText(right ? 'Right' : 'Not quite');
  note('reveal', `${step.id}: ${await player(page).getByRole('region', { name: 'Reveal' }).textContent()}`);
}

export async function playStep(page: Page): Promise<void> {
  await player(page).getByRole('button', { name: 'Play step' }).click();
  await expect(player(page).getByText(/^(Step played: Next goes on\.|Lesson complete\.)$/)).toBeVisible({
    timeout: 240_000,
  });
}

export async function goalMet(page: Page, step: StepJson): Promise<void> {
  const status = player(page).getByTestId('lesson-goal-status');
  await expect(status).toHaveText('Goal met.', { timeout: 240_000 });
  note('goal', `${step.id}: ${await player(page).getByRole('region', { name: 'Goal' }).textContent()}`);
}

/** Plays step `index` (answering its question right) and meets its goal with Show me if it needs it. */
export async function walkStep(page: Page, lesson: LessonJson, index: number): Promise<void> {
  const step = stepsOf(lesson)[index];
  const checked = checkOf(lesson.id).steps[index];
  if (step.predict) await predict(page, step, checked.prediction?.actual ?? '', true);
  else await playStep(page);
  if (step.goal) {
    const status = player(page).getByTestId('lesson-goal-status');
    await expect(status).not.toHaveText(/Not checked yet/);
    if (!(await status.textContent())?.startsWith('Goal met') && step.reference) {
      await player(page).getByRole('button', { name: 'Show me' }).click();
    }
    await goalMet(page, step);
  }
}

export async function next(page: Page, lesson: LessonJson, to: number): Promise<void> {
  await player(page).getByRole('button', { name: 'Next', exact: true }).click();
  await expectStep(page, lesson, to);
}
