/**
 * What every app test shares: a `test` whose page fails the test on any uncaught error
 * (the app must show errors, never throw them), opening the app until the cluster runs,
 * notes in the report, and full-page screenshots kept as artifacts.
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';

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

/** The replicas the app boots with. */
export const REPLICAS = ['replica-1', 'replica-2', 'replica-3'];

/** The client's write result (role status, name "Write result"). */
export function writeResult(page: Page): Locator {
  return page.getByRole('status', { name: 'Write result' });
}

/** The client's read result (role status, name "Read result"). */
export function readResult(page: Page): Locator {
  return page.getByRole('status', { name: 'Read result' });
}

/** The failover strip (region "Failover status"). */
export function failoverStatus(page: Page): Locator {
  return page.getByRole('region', { name: 'Failover status' });
}

/** Clicks "Place order" and waits until the write result changed (it may still be pending). */
export async function clickPlaceOrder(page: Page): Promise<void> {
  const before = (await writeResult(page).textContent()) ?? '';
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(writeResult(page)).not.toHaveText(before);
}

/** The id (without "#") of the order the write result shows as committed. */
export async function placedOrderId(page: Page): Promise<string> {
  return ((await writeResult(page).getByTestId('placed-order-id').textContent()) ?? '').replace('#', '');
}

/**
 * Clicks "Read my orders" and returns the read result once a node answered and the
 * consistency checker has judged the read.
 */
export async function readMyOrders(page: Page): Promise<Locator> {
  const read = readResult(page);
  // The click sets the result to "Reading…" at once, so the checks below wait for this read.
  await page.getByRole('button', { name: 'Read my orders' }).click();
  await expect(read.getByTestId('read-node')).toBeVisible();
  await expect(read.getByText('Checking this read')).toHaveCount(0);
  note('read', (await read.textContent()) ?? '');
  return read;
}

/**
 * Sets the link lag of the given replicas and waits until the page shows the engine's value
 * (an input shows what was typed while focused, the engine's value once blurred), so the
 * engine has applied it: no fixed sleep.
 */
export async function setReplicaLag(page: Page, ms: number, replicas: readonly string[] = REPLICAS): Promise<void> {
  for (const replica of replicas) {
    await page.getByRole('spinbutton', { name: `Lag of ${replica} (ms)` }).fill(String(ms));
  }
  await page.getByRole('heading', { name: 'Nodes', exact: true }).click(); // blur the last one
  for (const replica of replicas) {
    await expect(page.getByRole('spinbutton', { name: `Lag of ${replica} (ms)` })).toHaveValue(String(ms));
  }
}

/** Waits until no replica has anything left to replay (the nodes table, engine state: no fixed sleep). */
export async function replicasCaughtUp(page: Page, replicas: readonly string[] = REPLICAS): Promise<void> {
  for (const replica of replicas) {
    await expect(page.getByTestId(`${replica}-behind-txns`)).toHaveText('0', { timeout: 30_000 });
  }
}
