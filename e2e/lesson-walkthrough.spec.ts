/**
 * A walkthrough of every library lesson as a learner goes through it, through roles and
 * names only: open the lesson's link, play each step, answer each prediction (right) and
 * check the reveal names the value the engine computed (the CLI's headless check of the
 * same reference path computes it independently), meet each goal (Show me where the step
 * alone does not), and go on to the end. The clock plays at 8x and the tests wait on the
 * page's text, never on a fixed sleep. A screenshot of each lesson's first step is kept
 * (`<lesson>-first-step.png` in the test's results).
 */
import { expect, test } from './helpers.ts';
import { LESSONS, next, openStep, player, stepsOf, walkStep } from './lesson-helpers.ts';

test.describe.configure({ timeout: 600_000 });

for (const lesson of LESSONS) {
  test(`lesson "${lesson.id}": every prediction revealed as computed, every goal met`, async ({ page }, testInfo) => {
    const steps = stepsOf(lesson);
    await openStep(page, lesson, steps[0].id);
    await page.screenshot({ path: testInfo.outputPath(`${lesson.id}-first-step.png`) });
    for (let i = 0; i < steps.length; i++) {
      await walkStep(page, lesson, i);
      if (i + 1 < steps.length) await next(page, lesson, i + 1);
    }
    // The last step may still be playing when its goal is met (split-brain's fenced step).
    await expect(player(page).getByText('Lesson complete.')).toBeVisible({ timeout: 180_000 });
  });
}
