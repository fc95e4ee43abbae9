/**
 * An accessibility check of the running app with axe-core: after booting, placing an order
 * and running a side-by-side query in the SQL console (one row marked), the page has no
 * violation; nor once a scenario has played (its steps, result and a bad file's errors shown).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers.ts';

async function expectNoViolations(page: Page): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    const summary = violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')}`,
    );
    if (summary.length > 0) console.log(`[${scheme}]\n${summary.join('\n')}`);
    expect(summary, `axe violations (${scheme})`).toEqual([]);
  }
}

test('the main page has no axe violations', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('table', { name: 'Nodes' })).toBeVisible({ timeout: 60_000 });
  // A lagging replica, so the console's side-by-side mode has a marked row to check too.
  await page.getByRole('spinbutton', { name: 'Lag of replica-1 (ms)' }).fill('5000');
  await expect(page.getByRole('spinbutton', { name: 'Lag of replica-1 (ms)' })).toHaveValue('5000');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('status', { name: 'Write result' })).toContainText('committed on primary');

  const c = page.getByRole('region', { name: 'SQL console' });
  await c.getByRole('radio', { name: 'Side by side' }).check();
  await c.getByRole('textbox', { name: 'SQL' }).fill('SELECT order_id, user_id FROM orders ORDER BY order_id');
  await c.getByRole('button', { name: 'Run' }).click();
  await expect(c.locator('.sql-only-here')).toHaveCount(1);
  await page.getByRole('button', { name: 'Check every node' }).click();
  // A still page for axe: pause the clock.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await expectNoViolations(page);
});

test('a played scenario and a rejected file have no axe violations', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('table', { name: 'Nodes' })).toBeVisible({ timeout: 60_000 });
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
