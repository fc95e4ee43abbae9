/**
 * What every app test shares: a `test` whose page fails the test on any uncaught error
 * (the app must show errors, never throw them), opening the app (free play) until the
 * cluster runs, opening the tab a test needs (the lab keeps its panels in tabs), pausing
 * and stepping the clock one engine event at a time where a lag window matters (issue 12:
 * no timing luck, no fixed sleeps), notes in the report, and full-page screenshots kept
 * as artifacts.
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

/** Opens the lab in free play (`#sandbox`) and waits until the cluster runs (the clock plays at 1x after boot). */
export async function openApp(page: Page, path = '/#sandbox'): Promise<void> {
  await page.goto(path);
  await waitForBoot(page);
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
}

/**
 * Waits until the cluster runs (the topology shows, in every mode). Four PostgreSQL workers booting on
 * a loaded 2-core machine can miss a node's 30 s init deadline: the page then says the boot
 * failed, and this presses its "Reload the page" once, as a learner would (a second
 * failure fails the test).
 */
export async function waitForBoot(page: Page): Promise<void> {
  const running = page.getByRole('region', { name: 'Topology' });
  const failed = page.getByRole('alert').filter({ hasText: 'The cluster failed to boot' });
  await expect(running.or(failed)).toBeVisible({ timeout: 120_000 });
  if (await failed.isVisible()) {
    note('boot', `failed (${(await failed.textContent()) ?? ''}); reloading once`);
    // The second boot gets its own time, on top of the test's.
    test.info().setTimeout(test.info().timeout + 120_000);
    await failed.getByRole('button', { name: 'Reload the page' }).click();
    await expect(running).toBeVisible({ timeout: 120_000 });
  }
}

/** The lab's tabs (Timeline, Nodes, Failover, Replication, Routing & load, Reads, ...). */
export type LabTab =
  | 'Client'
  | 'Timeline'
  | 'Nodes'
  | 'Failover'
  | 'Replication'
  | 'Routing & load'
  | 'Reads'
  | 'Replication log'
  | 'SQL console'
  | 'Scenarios'
  | 'Sharding'
  | 'Capacity & cost'
  | 'Activity'
  | 'Run & export';

/** Opens one of the lab's tabs (a click, as a learner would) and waits until its panel shows. */
export async function openTab(page: Page, name: LabTab): Promise<void> {
  const tab = page.getByRole('tablist', { name: 'Panels' }).getByRole('tab', { name, exact: true });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name, exact: true })).toBeVisible();
}

/** The engine time the page shows, in ms. */
export async function engineTimeMs(page: Page): Promise<number> {
  const text = (await page.getByRole('timer', { name: 'Engine time' }).textContent()) ?? '';
  return Math.round(Number.parseFloat(text) * 1000);
}

/** Engine events run so far (through the page's automation hook). */
export function processed(page: Page): Promise<number> {
  return page.evaluate(() => window.replicaLab?.cluster.clock.processed ?? -1);
}

/**
 * Waits until the page has drawn what the engine did: the store publishes a snapshot on
 * the next animation frame and React commits it before the one after, so two frames.
 */
export async function rendered(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

export async function pauseClock(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  // A frame already under way may still land: wait until the page shows where the engine stopped.
  await rendered(page);
}

export async function playClock(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
}

/** With the clock paused, presses Step once and waits until that engine event ran and the page shows it. */
export async function stepOnce(page: Page): Promise<void> {
  const before = await processed(page);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => processed(page)).toBeGreaterThan(before);
  // An event counts as processed when it starts; its database work may still be running.
  await expect.poll(() => page.evaluate(() => window.replicaLab?.cluster.clock.idle ?? false)).toBe(true);
  await rendered(page);
}

/**
 * With the clock paused, presses Step (one engine event) until `done` holds, each press
 * waiting for its event to run and be drawn, so it stops on the event that made `done`
 * true, however fast the machine is. Returns the presses.
 */
export async function stepUntil(page: Page, what: string, done: () => Promise<boolean>, limit = 400): Promise<number> {
  let presses = 0;
  while (!(await done())) {
    expect(presses, `Step presses waiting for ${what}`).toBeLessThan(limit);
    await stepOnce(page);
    presses++;
  }
  note('step', `${what}: after ${presses} presses of Step, at ${await engineTimeMs(page)} ms`);
  return presses;
}

/** Whether the locator's text contains `text` now (for stepUntil). */
export async function hasText(locator: Locator, text: string | RegExp): Promise<boolean> {
  const now =
    (await locator
      .first()
      .textContent()
      .catch(() => null)) ?? '';
  return typeof text === 'string' ? now.includes(text) : text.test(now);
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

/**
 * With the clock paused, places an order and steps until the engine acknowledged it (the
 * write result shows "committed on"), so a lag window that follows starts exactly there.
 */
export async function placeOrderStepped(page: Page): Promise<string> {
  await clickPlaceOrder(page);
  await stepUntil(page, 'the order committed', () => hasText(writeResult(page), /committed on|ERROR|refused/));
  return placedOrderId(page);
}

/** With the clock paused, reads "my orders" and steps until a node answered; returns the read result once judged. */
export async function readMyOrdersStepped(page: Page): Promise<Locator> {
  const read = readResult(page);
  await page.getByRole('button', { name: 'Read my orders' }).click();
  await stepUntil(page, 'the read answered', async () => (await read.getByTestId('read-node').count()) > 0);
  // The consistency checker runs in its own worker, on wall time: it judges the read while paused.
  await expect(read.getByText('Checking this read')).toHaveCount(0);
  note('read', (await read.textContent()) ?? '');
  return read;
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
  await openTab(page, 'Nodes');
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
  await openTab(page, 'Nodes');
  for (const replica of replicas) {
    await expect(page.getByTestId(`${replica}-behind-txns`)).toHaveText('0', { timeout: 30_000 });
  }
}
