/**
 * What every app test shares: a `test` whose page fails the test on any uncaught error
 * (the app must show errors, never throw them), opening the app until the cluster runs,
 * notes in the report, and full-page screenshots kept as artifacts.
 */
import { test as base, expect, type Page } from '@playwright/test';

export { expect };

export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') console.log(`[page] ${msg.text()}`);
      });
      await use(errors);
      expect(errors, 'uncaught page errors').toEqual([]);
    },
    { auto: true },
  ],
});

/** Opens the app and waits until the cluster runs (the clock plays at 1x after boot). */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('table', { name: 'Nodes' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
}

/** A line in the test report (and the log). */
export function note(type: string, description: string): void {
  test.info().annotations.push({ type, description });
  console.log(`${type}: ${description}`);
}

/** A full-page screenshot kept with the test's results. */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}
