/**
 * An accessibility check of the running app with axe-core, in light and dark: free play
 * after booting, placing an order and running a side-by-side query in the SQL console
 * (one row marked), with every tab's panel checked in turn; a played scenario and a bad
 * file's errors; the start page; and the lesson, presenter and embed modes.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openApp, openTab, pauseClock, setReplicaLag, test, waitForBoot } from './helpers.ts';

async function expectNoViolations(page: Page, include?: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const builder = new AxeBuilder({ page });
    const { violations } = await (include ? builder.include(include) : builder).analyze();
    const summary = violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')}`,
    );
    if (summary.length > 0) console.log(`[${scheme}${include ? ` ${include}` : ''}]\n${summary.join('\n')}`);
    expect(summary, `axe violations (${scheme}${include ? `, ${include}` : ''})`).toEqual([]);
  }
}

/** Opens a lesson link and waits until its player shows a step. */
async function openLesson(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await waitForBoot(page);
  await expect(page.getByRole('region', { name: 'Lesson' }).getByRole('heading', { level: 2 })).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByRole('region', { name: 'Topology' })).toBeVisible();
}

test('free play has no axe violations, in every tab', async ({ page }) => {
  test.setTimeout(600_000); // some 30 axe runs (each tab, light and dark) take minutes on a busy machine
  await openApp(page);
  // A lagging replica, so the console's side-by-side mode has a marked row to check too.
  await setReplicaLag(page, 5000, ['replica-1']);
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('status', { name: 'Write result' })).toContainText('committed on primary');
  // A still page for axe: pause the clock (the order stays on replica-1's link).
  await pauseClock(page);

  await openTab(page, 'SQL console');
  const c = page.getByRole('region', { name: 'SQL console' });
  await c.getByRole('radio', { name: 'Side by side' }).check();
  await c.getByRole('textbox', { name: 'SQL' }).fill('SELECT order_id, user_id FROM orders ORDER BY order_id');
  await c.getByRole('button', { name: 'Run' }).click();
  await expect(c.locator('.sql-only-here')).toHaveCount(1);
  await openTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Check every node' }).click();
  await expectNoViolations(page);
  const names = await page.getByRole('tablist', { name: 'Panels' }).getByRole('tab').allTextContents();
  for (const name of names) {
    await page.getByRole('tab', { name, exact: true }).click();
    await expectNoViolations(page, '[role="tabpanel"]:not([hidden])');
  }
});

test('a played scenario and a rejected file have no axe violations', async ({ page }) => {
  await openApp(page);
  await openTab(page, 'Scenarios');
  const panel = page.getByRole('region', { name: 'Scenarios' });
  await panel.getByRole('button', { name: 'Start scenario' }).click();
  await expect(page.getByRole('region', { name: 'Scenario progress' })).toBeVisible({ timeout: 60_000 });
  await expectNoViolations(page);
  await expect(panel.getByRole('region', { name: 'Scenario result' }).getByRole('status')).toContainText('Finished.', {
    timeout: 60_000,
  });
  await panel.getByText('Summary as JSON').click();
  await panel.getByLabel('Open a scenario file').setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"version": 2}'),
  });
  await expect(panel.getByRole('alert')).toBeVisible();
  await expectNoViolations(page);
});

test('the start page and the lesson, presenter and embed modes have no axe violations', async ({ page }) => {
  test.setTimeout(600_000); // three lesson openings (each builds a cluster) and eight axe runs
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Free play (sandbox)' })).toBeVisible();
  await expectNoViolations(page);

  await openLesson(page, '/#lesson/stale-read');
  await expectNoViolations(page);

  await openLesson(page, '/?presenter=1#lesson/stale-read');
  await expect(page.getByRole('tablist')).toHaveCount(0);
  await expectNoViolations(page);

  await openLesson(page, '/?embed=1&lesson=stale-read&from=read-replica&to=verdict');
  await expect(page.getByRole('link', { name: 'Open in Replica Lab' })).toBeVisible();
  await expectNoViolations(page);
});
