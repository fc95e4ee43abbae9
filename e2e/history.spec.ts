/**
 * The run as a history in Chromium: the same seed and the same clicks and steps give the
 * same run (checked on two fresh pages), and stepping back restores an earlier moment
 * (an order placed after it is gone) from which play goes on with other choices.
 */
import type { Page } from '@playwright/test';
import { expect, note, openApp, openTab, processed, snap, test } from './helpers.ts';

async function engineMs(page: Page): Promise<number> {
  const text = (await page.getByTestId('engine-time').textContent()) ?? '';
  return Math.round(Number.parseFloat(text) * 1000);
}

/** Pauses and starts a fresh cluster with `seed`, paused at engine time 0. */
async function resetWithSeed(page: Page, seed: number): Promise<void> {
  await page.getByRole('button', { name: 'Pause' }).click();
  await openTab(page, 'Run & export');
  const run = page.getByRole('region', { name: 'Run' });
  await run.getByRole('textbox', { name: 'Seed' }).fill(String(seed));
  await run.getByRole('button', { name: 'Reset' }).click();
  // Booting four more PGlite nodes takes a second or two, longer on a busy machine.
  await expect(run.getByRole('status', { name: 'Cluster rebuild' })).toHaveText('', { timeout: 60_000 });
  await expect(page.getByTestId('engine-time')).toHaveText('0.000 s');
  await expect(page).toHaveURL(new RegExp(`[?&]seed=${seed}\\b`));
}

/** Presses Right arrow (one engine event) `n` times, waiting for each event to run. */
async function stepEvents(page: Page, n: number): Promise<void> {
  await page.getByRole('heading', { name: 'Replica Lab' }).click();
  for (let i = 0; i < n; i++) {
    const before = await processed(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => processed(page)).toBe(before + 1);
  }
}

/** Acknowledged writes in the engine's history (through the automation hook). */
function acks(page: Page): Promise<number> {
  return page.evaluate(() => window.replicaLab?.cluster.history.ofType('write.ok').length ?? -1);
}

/**
 * Places an order and steps until the engine has acknowledged it (decided on engine state,
 * so two runs press Step the same number of times however fast the page renders); returns
 * its id as the page shows it.
 */
async function placeAndAck(page: Page): Promise<number> {
  const shown = page.getByRole('status', { name: 'Write result' }).getByTestId('placed-order-id');
  const previous = (await shown.count()) > 0 ? await shown.textContent() : null;
  const before = await acks(page);
  await page.getByRole('button', { name: 'Place order' }).click();
  for (let i = 0; i < 40 && (await acks(page)) === before; i++) {
    const stepped = await processed(page);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => processed(page)).toBeGreaterThan(stepped);
  }
  await expect(shown).toBeVisible();
  if (previous !== null) await expect(shown).not.toHaveText(previous);
  const id = Number(((await shown.textContent()) ?? '').replace('#', ''));
  expect(id).toBeGreaterThan(0);
  return id;
}

/** A scripted lesson on a paused clock: engine time moves only by steps. */
async function scriptedRun(page: Page): Promise<{ timeMs: number; history: string; timeline: string }> {
  await openApp(page);
  await resetWithSeed(page, 7);
  await openTab(page, 'Nodes');
  await page.getByRole('spinbutton', { name: 'Lag of replica-1 (ms)' }).fill('2000');
  await placeAndAck(page);
  await stepEvents(page, 12);
  await page.getByRole('button', { name: 'Read my orders' }).click();
  await stepEvents(page, 12);
  await placeAndAck(page);
  await stepEvents(page, 6);
  const timeMs = await engineMs(page);
  const history = await page.evaluate(() => JSON.stringify(window.replicaLab?.cluster.history.all()));
  await openTab(page, 'Timeline');
  const timeline =
    (await page
      .getByRole('region', { name: 'Timeline', exact: true })
      .getByRole('img')
      .first()
      .getAttribute('aria-label')) ?? '';
  return { timeMs, history, timeline };
}

test('pause and step: two runs with the same seed and steps give the same timeline', async ({ browser }) => {
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    runs.push(await scriptedRun(page));
    expect(errors).toEqual([]);
    await context.close();
  }
  note('run', `ended at ${runs[0].timeMs} ms with ${JSON.parse(runs[0].history).length} history events`);
  expect(runs[0].timeMs).toBeGreaterThan(0);
  expect(JSON.parse(runs[0].history).length).toBeGreaterThan(10);
  expect(runs[1].timeMs).toBe(runs[0].timeMs);
  expect(runs[1].timeline).toBe(runs[0].timeline);
  expect(runs[1].history).toBe(runs[0].history);
});

test('stepping back restores an earlier moment, and play goes on from there', async ({ page }) => {
  await openApp(page);
  await resetWithSeed(page, 3);
  const first = await placeAndAck(page);
  // Let a second of engine time pass, then place another order.
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => engineMs(page), { timeout: 20_000 }).toBeGreaterThan(1500);
  await page.getByRole('button', { name: 'Pause' }).click();
  const beforeSecondMs = await engineMs(page);
  const second = await placeAndAck(page);
  expect(second).toBeGreaterThan(first);
  await snap(page, 'history-before-step-back');

  // Step back to a moment between the two orders.
  const target = Math.floor((beforeSecondMs - 400) / 100) * 100;
  await openTab(page, 'Run & export');
  const run = page.getByRole('region', { name: 'Run' });
  await run.getByRole('slider', { name: 'Step back to' }).fill(String(target));
  await run.getByRole('button', { name: 'Go back' }).click();
  await expect(page.getByTestId('engine-time')).toHaveText(`${(target / 1000).toFixed(3)} s`, { timeout: 60_000 });
  await expect(run.getByRole('status', { name: 'Cluster rebuild' })).toHaveText('');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();

  // The primary has the first order and not the second.
  await openTab(page, 'SQL console');
  const c = page.getByRole('region', { name: 'SQL console' });
  await c.getByRole('combobox', { name: 'Node' }).selectOption('primary');
  await c.getByRole('textbox', { name: 'SQL' }).fill('SELECT max(order_id) AS newest FROM orders');
  await c.getByRole('button', { name: 'Run' }).click();
  const result = c.getByRole('region', { name: 'Console output' }).getByRole('table', { name: 'Result 1 on primary' });
  await expect(result.getByRole('cell')).toHaveText(String(first));
  await snap(page, 'history-after-step-back');

  // What if: from here another order takes the number the discarded one had.
  const instead = await placeAndAck(page);
  expect(instead).toBe(second);

  // Rewind 1 s goes back exactly one second of engine time.
  const nowMs = await engineMs(page);
  await page.getByRole('button', { name: 'Rewind 1 s' }).click();
  await expect(page.getByTestId('engine-time')).toHaveText(`${((nowMs - 1000) / 1000).toFixed(3)} s`, {
    timeout: 60_000,
  });
});
