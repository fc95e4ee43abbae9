/**
 * Free play after a lesson: the lesson's cluster (its settings, its later steps scheduled)
 * is not carried into free play; free play starts on a fresh cluster with the default
 * settings, playing. Free play's own cluster, though, is kept across a visit to the start
 * page: a learner's changes are not thrown away.
 */
import { expect, openTab, setReplicaLag, test } from './helpers.ts';
import { LESSONS, openStep } from './lesson-helpers.ts';

const lesson = LESSONS.find((l) => l.id === 'stale-read');
if (!lesson) throw new Error('the library has no "stale-read" lesson');

test.describe.configure({ timeout: 600_000 });

test("free play after a lesson is a fresh cluster, and free play's own changes survive the start page", async ({
  page,
}) => {
  const replica1 = page.getByRole('region', { name: 'Topology' }).getByTestId('link-label-replica-1');
  await openStep(page, lesson, 'place');
  // The lesson's settings: Replica 1 two seconds behind (stale-read.json).
  await expect(replica1).toContainText('2,000 ms');

  await page.getByRole('link', { name: 'All lessons' }).click();
  await page.getByRole('link', { name: 'Free play (sandbox)' }).click();
  await expect(page).toHaveURL(/#sandbox$/);
  await expect(replica1).not.toContainText('2,000 ms', { timeout: 120_000 });
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await openTab(page, 'Activity');
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText(
    'Free play: a fresh cluster with the default settings.',
  );

  // Free play's own cluster stays: a change made here is still there after the start page.
  await setReplicaLag(page, 1234, ['replica-1']);
  await expect(replica1).toContainText('1,234 ms');
  await page.getByRole('link', { name: 'Lessons', exact: true }).click();
  await page.getByRole('link', { name: 'Free play (sandbox)' }).click();
  await expect(page).toHaveURL(/#sandbox$/);
  await expect(replica1).toContainText('1,234 ms');
  await openTab(page, 'Activity');
  await expect(page.getByRole('log', { name: 'Activity' }).getByText('Free play: a fresh cluster')).toHaveCount(1);
});
