/**
 * The built app ships a Content-Security-Policy without inline scripts or eval
 * (WebAssembly allowed), and a walk through the lab under it (an order, a read, the
 * console, a failover, a scenario) triggers no violation.
 */
import { clickPlaceOrder, expect, note, readMyOrders, test } from './helpers.ts';

const PREVIEW = `http://localhost:${Number(process.env.PW_PREVIEW_PORT ?? Number(process.env.PW_PORT ?? 4173) + 1)}`;

test('the built app runs a whole walk under its Content-Security-Policy with no violation', async ({ page }) => {
  const violations: string[] = [];
  await page.exposeFunction('reportCspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) violations.push(m.text());
  });
  await page.goto(`${PREVIEW}/`);
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  note('policy', policy ?? 'none');
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
  await expect(page.getByRole('table', { name: 'Nodes' })).toBeVisible({ timeout: 60_000 });

  await clickPlaceOrder(page);
  await expect(page.getByRole('status', { name: 'Write result' })).toContainText('committed on primary');
  await readMyOrders(page);
  const console = page.getByRole('region', { name: 'SQL console' });
  await console.getByRole('textbox', { name: 'SQL' }).fill('SELECT count(*) AS orders FROM orders');
  await console.getByRole('button', { name: 'Run' }).click();
  await expect(console.getByRole('table', { name: /Result 1 on/ })).toBeVisible();
  await page.getByRole('button', { name: 'Kill primary' }).click();
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText('Failover, endpoint:', { timeout: 30_000 });
  const scenarios = page.getByRole('region', { name: 'Scenarios' });
  await scenarios.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'The stale read' });
  await scenarios.getByRole('button', { name: 'Start scenario' }).click();
  await expect(scenarios.getByRole('region', { name: 'Scenario result' }).getByRole('status')).toContainText(
    'Finished.',
    { timeout: 60_000 },
  );
  expect(violations).toEqual([]);
});
