/**
 * An instructor's own lesson, opened on the start page: a file with a typo is refused with
 * the CLI's message and changes nothing; the README's example lesson (the fixture) is
 * added, kept across a reload, and taken like a library lesson: its prediction revealed
 * with the engine's answer (the one the CLI's check computes for the same file), its goal
 * met with Show me. Its link works on a reload; Remove forgets it.
 */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './helpers.ts';
import {
  checkOf,
  expectStep,
  goalMet,
  type LessonJson,
  next,
  player,
  playStep,
  predict,
  stepsOf,
} from './lesson-helpers.ts';

const FILE = 'e2e/fixtures/my-stale-read.lesson.json';
const text = readFileSync(FILE, 'utf8');
const lesson = JSON.parse(text) as LessonJson;
for (const step of stepsOf(lesson)) {
  const choices = step.predict?.choices as unknown as string[] | undefined;
  if (step.predict && choices) step.predict.choices = choices.map((c) => ({ value: c, label: c }));
}
const steps = stepsOf(lesson);

test.describe.configure({ timeout: 600_000 });

test('open your own lesson file: a typo is refused, the lesson is kept, taken and removed', async ({ page }) => {
  await page.goto('/');
  const input = page.getByLabel('Open a lesson file');
  const own = page.getByRole('list', { name: 'Your lessons' });

  await input.setInputFiles({
    name: 'typo.json',
    mimeType: 'application/json',
    buffer: Buffer.from(text.replace('"readOrders"', '"readOrdrs"')),
  });
  const refused = page.getByRole('alert').filter({ hasText: 'typo.json is not a lesson the lab can play' });
  await expect(refused).toContainText('unknown action "do": "readOrdrs" (did you mean "readOrders"?)');
  await expect(own).toHaveCount(0);

  await input.setInputFiles({ name: 'my-stale-read.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(page.getByRole('status').filter({ hasText: 'Added' })).toHaveText(
    `Added ${lesson.title}: kept in this browser.`,
  );
  await expect(refused).toHaveCount(0);
  await expect(own.getByRole('listitem')).toHaveCount(1);
  await expect(own).toContainText('From my-stale-read.json');
  const violations = (await new AxeBuilder({ page }).include('.own-lessons').analyze()).violations;
  expect(violations.map((v) => v.id)).toEqual([]);

  // Kept in this browser: still listed after a reload, and its link opens it.
  await page.reload();
  await expect(own.getByRole('link', { name: lesson.title })).toBeVisible();
  await own.getByRole('link', { name: lesson.title }).click();
  await expectStep(page, lesson, 0, 300_000);
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('8');

  // Taken as a library lesson is: the engine computes the answer, the page reveals it.
  const check = checkOf(FILE);
  await playStep(page);
  await next(page, lesson, 1);
  await predict(page, steps[1], check.steps[1].prediction?.actual ?? '', true);
  await next(page, lesson, 2);
  await playStep(page);
  await expect(player(page).getByTestId('lesson-goal-status')).toHaveText(
    'Not yet: change a setting and replay the step.',
  );
  await player(page).getByRole('button', { name: 'Show me' }).click();
  await goalMet(page, steps[2]);

  // A step's link still works after a reload (the lesson comes from this browser's storage).
  await page.reload();
  await expectStep(page, lesson, 2, 300_000);

  await page.goto('/');
  await expect(page.getByTestId(`lesson-progress-${lesson.id}`)).toContainText('1 of 1 prediction right');
  await own.getByRole('button', { name: `Remove ${lesson.title}` }).click();
  await expect(own).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your lessons' })).toBeVisible();
  await expect(own).toHaveCount(0);
});
