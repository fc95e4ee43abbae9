/**
 * The lesson player in normal mode has no axe-core violation (light and dark) in each of its
 * states: a question, a right and a wrong reveal, a goal not met and met, hints shown, and
 * the learner's paths listed. Only the player is checked here (the layout's own spec checks
 * the whole page in lesson, presenter and embed modes).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';
import { checkOf, followLink, LESSONS, openStep, player, predict, stepsOf } from './lesson-helpers.ts';

const lesson = LESSONS.find((l) => l.id === 'stale-read');
if (!lesson) throw new Error('the library has no "stale-read" lesson');
const steps = stepsOf(lesson);

test.describe.configure({ timeout: 600_000 });

/** axe over the player only, in both colour schemes, with the clock paused (a still page). */
async function playerIsClean(page: Page, state: string): Promise<void> {
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const { violations } = await new AxeBuilder({ page }).include('section[aria-label="Lesson"]').analyze();
    const found = violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
    expect(found, `axe, ${state}, ${scheme}`).toEqual([]);
  }
}

test('the lesson player has no axe violations: question, reveals, goal, hints, paths', async ({ page }) => {
  const ask = steps.findIndex((s) => s.id === 'read-replica');
  await openStep(page, lesson, steps[ask].id);
  await expect(player(page).getByRole('group', { name: steps[ask].predict?.question })).toBeVisible();
  await playerIsClean(page, 'a question');
  const actual = checkOf(lesson.id).steps[ask].prediction?.actual ?? '';
  await predict(page, steps[ask], actual, false);
  await playerIsClean(page, 'a wrong answer revealed');

  // The goal step, played without the fix: not met; its hints shown; then met.
  await followLink(page, `#lesson/${lesson.id}/no-lag`);
  await expect(player(page).getByRole('heading', { level: 2 })).toContainText('Make the next read', {
    timeout: 240_000,
  });
  await player(page).getByRole('button', { name: 'Play step' }).click();
  const status = player(page).getByTestId('lesson-goal-status');
  await expect(status).toHaveText(/^Not yet/, { timeout: 60_000 });
  while (
    (await player(page)
      .getByRole('button', { name: /^Show a hint/ })
      .count()) > 0
  ) {
    await player(page)
      .getByRole('button', { name: /^Show a hint/ })
      .click();
  }
  await playerIsClean(page, 'a goal not met, hints shown');
  await page.getByRole('tab', { name: 'Nodes' }).click();
  await page.getByRole('spinbutton', { name: 'Lag of replica-1 (ms)' }).fill('0');
  await player(page).getByRole('button', { name: 'Replay step' }).click();
  await expect(status).toHaveText('Goal met.', { timeout: 120_000 });
  await playerIsClean(page, 'a goal met');

  // Back, and another choice: two paths listed.
  await player(page).getByRole('button', { name: 'Back' }).click();
  await expect(player(page)).toHaveAttribute('aria-busy', 'false', { timeout: 120_000 });
  await page.getByRole('spinbutton', { name: 'Lag of replica-1 (ms)' }).fill('100');
  await expect(player(page).getByRole('region', { name: 'Your paths' }).getByRole('button')).toHaveCount(2);
  await playerIsClean(page, 'two paths');
});
