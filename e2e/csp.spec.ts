/**
 * The built app ships a Content-Security-Policy without inline scripts or eval
 * (WebAssembly allowed), and a walk through the lab under it (an order, a read, the
 * console, a failover, a scenario, a PNG export) triggers no violation.
 */
import { clickPlaceOrder, expect, note, openTab, readMyOrders, test, waitForBoot } from './helpers.ts';

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
  await page.goto(`${PREVIEW}/#sandbox`);
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  note('policy', policy ?? 'none');
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
  await waitForBoot(page);
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();

  await clickPlaceOrder(page);
  await expect(page.getByRole('status', { name: 'Write result' })).toContainText('committed on primary');
  await readMyOrders(page);
  await openTab(page, 'SQL console');
  const console = page.getByRole('region', { name: 'SQL console' });
  await console.getByRole('textbox', { name: 'SQL' }).fill('SELECT count(*) AS orders FROM orders');
  await console.getByRole('button', { name: 'Run' }).click();
  await expect(console.getByRole('table', { name: /Result 1 on/ })).toBeVisible();
  await openTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Kill primary' }).click();
  await openTab(page, 'Activity');
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText('Failover, endpoint:', { timeout: 30_000 });
  await openTab(page, 'Scenarios');
  const scenarios = page.getByRole('region', { name: 'Scenarios' });
  await scenarios.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'The stale read' });
  await scenarios.getByRole('button', { name: 'Start scenario' }).click();
  await expect(scenarios.getByRole('region', { name: 'Scenario result' }).getByRole('status')).toContainText(
    'Finished.',
    { timeout: 60_000 },
  );
  // The PNG export draws the topology on a canvas from a data: URL, which img-src allows.
  await openTab(page, 'Run & export');
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Topology as PNG' }).click();
  const png = await downloaded;
  expect(png.suggestedFilename()).toBe('replica-lab-topology.png');
  await expect(page.getByRole('status', { name: 'Export' })).toContainText('Saved replica-lab-topology.png');
  expect(violations).toEqual([]);
});
