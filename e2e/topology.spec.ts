/**
 * The topology diagram in Chromium: a transaction shipped to a replica is a dot on its
 * link placed by engine time, so it stands still while the clock is paused and moves on
 * Step and Play; a node's menu sends faults; and the main view is captured at 1280x720.
 */
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, openApp, openTab, pauseClock, playClock, processed, rendered, stepOnce, test } from './helpers.ts';

test.use({ viewport: { width: 1280, height: 720 } });

function topology(page: Page): Locator {
  return page.getByRole('region', { name: 'Topology' });
}

function dotsTo(page: Page, replica: string): Locator {
  return topology(page).locator(`[data-testid^="shipment-${replica}-"]`);
}

async function progressOf(dot: Locator): Promise<number> {
  return Number(await dot.getAttribute('data-progress'));
}

test('a transaction shipped to a slow link is a dot placed by engine time: still while paused, moving on Step and Play', async ({
  page,
}, testInfo) => {
  await openApp(page);
  const diagram = topology(page).getByRole('img');
  await expect(diagram).toHaveAttribute('aria-label', /primary up, 3 replicas streaming/);

  await openTab(page, 'Nodes');
  await page.getByRole('spinbutton', { name: 'Lag of replica-3 (ms)' }).fill('5000');
  await expect(topology(page).getByTestId('link-label-replica-3')).toContainText('5,000 ms');
  // The slider sets a link's lag too, and the number field follows it.
  await page.getByRole('slider', { name: 'Lag of replica-2' }).fill('4000');
  await expect(topology(page).getByTestId('link-label-replica-2')).toContainText('4,000 ms');
  await expect(page.getByRole('spinbutton', { name: 'Lag of replica-2 (ms)' })).toHaveValue('4000');
  await pauseClock(page);

  await page.getByRole('button', { name: 'Place order' }).click();
  // The commit and the send are engine events: step until the transaction is on the link.
  const dots = dotsTo(page, 'replica-3');
  for (let i = 0; i < 20 && (await dots.count()) === 0; i++) await stepOnce(page);
  await expect(dots.first()).toBeAttached();
  const dot = dots.first();
  const testId = await dot.getAttribute('data-testid');
  expect(testId).toMatch(/^shipment-replica-3-\d+$/);
  await expect(diagram).toHaveAttribute('aria-label', /[1-9]\d* transactions? in flight/);

  // Paused: no engine event runs, and the dot stands still frame after frame.
  const paused = await progressOf(dot);
  expect(paused).toBeGreaterThanOrEqual(0);
  expect(paused).toBeLessThan(1);
  const events = await processed(page);
  for (let frame = 0; frame < 10; frame++) await rendered(page);
  expect(await processed(page)).toBe(events);
  expect(await progressOf(page.getByTestId(testId!))).toBe(paused);

  await openTab(page, 'Timeline');
  await snapMainView(page, testInfo);

  // Step: the next engine event moves time, and the dot with it.
  let stepped = paused;
  for (let i = 0; i < 20 && stepped === paused; i++) {
    await stepOnce(page);
    stepped = (await page.getByTestId(testId!).count()) === 0 ? 1 : await progressOf(page.getByTestId(testId!));
  }
  expect(stepped).toBeGreaterThan(paused);

  // Play: it keeps moving in real time (5 s of lag at 1x), until it arrives and is queued or replayed.
  await playClock(page);
  await expect(async () => {
    const now = (await page.getByTestId(testId!).count()) === 0 ? 1 : await progressOf(page.getByTestId(testId!));
    expect(now).toBeGreaterThan(stepped);
  }).toPass({ timeout: 5_000 });
});

test("a node's menu on the diagram kills and restarts it and makes it slow", async ({ page }) => {
  await openApp(page);
  const region = topology(page);
  const trigger = region.getByRole('button', { name: 'replica-2 actions' });
  await trigger.click();
  await expect(trigger).toHaveAttribute('aria-expanded', 'true');
  const menu = region.getByRole('group', { name: 'replica-2 actions' });
  await menu.getByRole('button', { name: 'Make replica-2 slow' }).click();
  await expect(menu).toBeHidden();
  await expect(region.getByTestId('topology-node-replica-2')).toContainText('slow');

  await trigger.click();
  await menu.getByRole('button', { name: 'Kill replica-2' }).click();
  await expect(region.getByTestId('topology-node-replica-2')).toHaveAttribute('data-status', 'down');
  await expect(region.getByTestId('link-replica-2')).toHaveAttribute('data-state', 'down');
  await expect(region.getByRole('img')).toHaveAttribute('aria-label', /replica-2 down/);

  // Escape closes the menu and gives focus back to the node.
  await trigger.click();
  await expect(menu.getByRole('button', { name: 'Restart replica-2' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(trigger).toBeFocused();

  await trigger.click();
  await menu.getByRole('button', { name: 'Restart replica-2' }).click();
  await expect(region.getByTestId('topology-node-replica-2')).toHaveAttribute('data-status', /recovering|up/);
});

/** The page as a learner first sees it at 1280x720, kept with the report and in test-results/. */
async function snapMainView(page: Page, testInfo: import('@playwright/test').TestInfo): Promise<void> {
  const body = await page.screenshot();
  await testInfo.attach('main-view-1280x720', { body, contentType: 'image/png' });
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/main-view-1280x720.png' });
}
