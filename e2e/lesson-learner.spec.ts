/**
 * The learner's controls in one lesson ("The stale read"), through roles and names:
 * - the keys (Space plays, Right arrow goes on, Page Up goes back) and a wrong answer, then
 *   Back to the step before, which replays to the exact same state (the same reveal, word
 *   for word), and the right answer;
 * - a challenge link opens a later step question first (the lesson's reference path replayed
 *   up to it); a wrong answer is told so with the engine's answer, and the progress shows on
 *   the start page;
 * - a goal met with the lab's own control (Replica 1's lag, in the Nodes tab) and Replay
 *   step; then Back and another choice start a second path, and the first stays reachable.
 * The values to expect come from the CLI's headless check of the lesson (lesson-helpers.ts).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';
import { checkOf, expectStep, LESSONS, next, openStep, player, predict, stepsOf } from './lesson-helpers.ts';

const lesson = LESSONS.find((l) => l.id === 'stale-read');
if (!lesson) throw new Error('the library has no "stale-read" lesson');
const steps = stepsOf(lesson);
const at = (id: string) => steps.findIndex((s) => s.id === id);
const actual = (id: string) => checkOf(lesson.id).steps[at(id)].prediction?.actual ?? '';

test.describe.configure({ timeout: 600_000 });

/** Sets Replica 1's link lag with the lab's own control and waits until the engine has it. */
async function setReplica1Lag(page: Page, ms: number): Promise<void> {
  await page.getByRole('tab', { name: 'Nodes' }).click();
  const lag = page.getByRole('spinbutton', { name: 'Lag of replica-1 (ms)' });
  await lag.fill(String(ms));
  await page.getByRole('tab', { name: 'Nodes' }).focus(); // blur: the field shows the engine's value again
  await expect(lag).toHaveValue(String(ms));
}

test('keys, a wrong answer, and Back to the exact earlier state', async ({ page }) => {
  await openStep(page, lesson, 'place');
  await player(page).getByRole('heading', { level: 2 }).focus(); // off the Speed select, which keeps its keys
  await page.keyboard.press('Space'); // plays the step
  await expect(player(page).getByText('Step played: Next goes on.')).toBeVisible({ timeout: 60_000 });
  await page.keyboard.press('ArrowRight'); // next step
  await expectStep(page, lesson, at('read-replica'));

  // Space on a step that asks: the question takes focus instead of the step playing.
  await page.keyboard.press('Space');
  await expect(player(page).getByRole('radio').first()).toBeFocused();
  await predict(page, steps[at('read-replica')], actual('read-replica'), true);
  const firstReveal = await player(page).getByRole('region', { name: 'Reveal' }).textContent();

  await next(page, lesson, at('verdict'));
  await predict(page, steps[at('verdict')], actual('verdict'), false);

  // Page Up (a clicker's "back") twice: to the previous step, rebuilt by replay.
  await player(page).getByRole('heading', { level: 2 }).focus();
  await page.keyboard.press('PageUp');
  await expectStep(page, lesson, at('read-replica'));
  await expect(player(page).getByRole('group', { name: steps[at('read-replica')].predict?.question })).toBeVisible();
  await predict(page, steps[at('read-replica')], actual('read-replica'), true);
  // Replayed to the same state: the engine tells the same story, word for word.
  await expect(player(page).getByRole('region', { name: 'Reveal' })).toHaveText(firstReveal ?? '');

  await next(page, lesson, at('verdict'));
  await predict(page, steps[at('verdict')], actual('verdict'), true);
});

test('a challenge link opens the question first; a wrong answer; progress on the start page', async ({ page }) => {
  const step = steps[at('refresh')];
  await openStep(page, lesson, step.id, true);
  await expect(player(page).getByText('Challenge: answer before you read on.')).toBeVisible();
  // The question comes before the narration.
  const question = player(page).getByRole('group', { name: step.predict?.question });
  const questionFirst = await player(page).evaluate((el) => {
    const fieldset = el.querySelector('fieldset');
    const narration = el.querySelector('.lesson-narration');
    return !!(fieldset && narration && fieldset.compareDocumentPosition(narration) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  expect(questionFirst).toBe(true);
  await expect(question).toBeVisible();
  await predict(page, step, actual('refresh'), false);

  await page.goto('/');
  const progress = page.getByTestId(`lesson-progress-${lesson.id}`);
  await expect(progress).toHaveText(`1 of ${steps.length} steps done · 0 of 1 prediction right`);
});

test('a goal met with the lab controls and Replay step; Back and another choice keep the first path', async ({
  page,
}) => {
  const goalStep = at('no-lag');
  await openStep(page, lesson, 'no-lag');
  const status = player(page).getByTestId('lesson-goal-status');
  await player(page).getByRole('button', { name: 'Play step' }).click();
  await expect(status).toHaveText('Not yet: change a setting and replay the step.', { timeout: 60_000 });

  await setReplica1Lag(page, 0);
  await player(page).getByRole('button', { name: 'Replay step' }).click();
  await expect(status).toHaveText('Goal met.', { timeout: 120_000 });
  await expect(player(page).getByTestId('lesson-goal-detail')).not.toBeEmpty();

  // Back a step, and choose differently there: Replica 1 slower still.
  await player(page).getByRole('button', { name: 'Back' }).click();
  await expectStep(page, lesson, goalStep - 1, 120_000);
  await setReplica1Lag(page, 3000);
  const paths = player(page).getByRole('region', { name: 'Your paths' });
  await expect(paths.getByRole('button')).toHaveCount(2, { timeout: 10_000 });
  await expect(paths.getByRole('button', { pressed: true })).toContainText('Path 2');

  // The first path is still there: switch to it, and its goal step plays as it did.
  await paths.getByRole('button', { name: /^Path 1/ }).click();
  await expectStep(page, lesson, goalStep, 120_000);
  await player(page).getByRole('button', { name: 'Play step' }).click();
  await expect(status).toHaveText('Goal met.', { timeout: 60_000 });
});
