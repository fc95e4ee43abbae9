/**
 * Sharding in Chromium, through roles and names: shard the orders by user_id % 4, probe a
 * user and see its shard and route, add a shard while the load generator writes and step
 * through the move's phases one engine event at a time (rows drawn travelling while it
 * copies), then see nothing lost: the row ledger (rows sharded + writes acknowledged,
 * counted from the whole history) equals the rows the shards hold. And the document's
 * colliding ids: with each shard's own serial, order ids repeat across shards and moving
 * rows hits the primary key; with global ids there are no duplicates. No fixed sleeps:
 * pause and step, or wait on text the page derives from the engine's snapshot. axe finds
 * no violation in the panel.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import {
  expect,
  hasText,
  note,
  openApp,
  pauseClock,
  playClock,
  snap,
  stepOnce,
  test,
  waitForBoot,
  writeResult,
} from './helpers.ts';

async function openPanelTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tablist', { name: 'Panels' }).getByRole('tab', { name, exact: true });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

function shardsPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Sharding' });
}

async function shardOrders(page: Page, ids: 'serial' | 'global'): Promise<Locator> {
  await openPanelTab(page, 'Sharding');
  const panel = shardsPanel(page);
  await panel.getByRole('combobox', { name: 'Strategy' }).selectOption('modulo');
  await panel.getByRole('spinbutton', { name: 'Shards' }).fill('4');
  await panel.getByRole('combobox', { name: 'Order ids' }).selectOption(ids);
  await panel.getByRole('button', { name: 'Shard the orders' }).click();
  await expect(panel.getByRole('img', { name: /^Router in front of 4 shards/ })).toBeVisible({ timeout: 60_000 });
  return panel;
}

async function load(page: Page, on: boolean): Promise<void> {
  await openPanelTab(page, 'Routing & load');
  if (on) {
    await page.getByRole('spinbutton', { name: 'Reads/s' }).fill('0');
    await page.getByRole('button', { name: 'Start load' }).click();
    await expect(page.getByRole('status', { name: 'Load generator state' })).toContainText('Running');
  } else {
    await page.getByRole('button', { name: 'Stop load' }).click();
    await expect(page.getByRole('status', { name: 'Load generator state' })).toHaveText('Stopped.');
  }
  await openPanelTab(page, 'Sharding');
}

/** Writes acknowledged by the shards so far, as the row ledger counts them. */
async function ackedWrites(ledger: Locator): Promise<number> {
  const text = (await ledger.textContent()) ?? '';
  return Number(text.match(/\+ (\d+) writes acknowledged/)?.[1] ?? -1);
}

test('probe a key, add a shard under load, watch the phases and see nothing lost', async ({ page }) => {
  test.slow(); // four PostgreSQL workers boot on a shared 2-core machine
  await openApp(page);
  const panel = await shardOrders(page, 'global');

  await panel.getByRole('textbox', { name: 'User id' }).fill('1001');
  await panel.getByRole('button', { name: 'Probe' }).click();
  const probe = panel.getByRole('status', { name: 'Probe result' });
  await expect(probe.getByTestId('probe-shard')).toHaveText('shard-1');
  await expect(probe.getByTestId('probe-route')).toHaveText('user 1001 -> 1001 % 4 = 1 -> shard-1');
  await panel.getByRole('combobox', { name: 'Key' }).selectOption('category');
  await panel.getByRole('button', { name: 'Probe' }).click();
  await expect(probe.getByTestId('probe-key')).toHaveText('category Electronics');
  note('probe', (await probe.textContent()) ?? '');

  await load(page, true);
  const ledger = panel.getByRole('status', { name: 'Row ledger' });
  await expect.poll(() => ackedWrites(ledger), { timeout: 30_000 }).toBeGreaterThanOrEqual(10);

  await panel.getByRole('combobox', { name: 'Query' }).selectOption('order-count');
  await panel.getByRole('button', { name: 'Run on every shard' }).click();
  const scatter = panel.getByRole('status', { name: 'Scatter result' });
  await expect(scatter.getByTestId('scatter-latency')).toBeVisible();
  await expect(scatter.getByRole('listitem')).toHaveCount(4);

  // The move, one engine event at a time: each phase in order, rows travelling while it copies.
  await pauseClock(page);
  await panel.getByRole('button', { name: 'Add a shard' }).click();
  const status = panel.getByTestId('reshard-status');
  await expect(status).toHaveText('(Copy)');
  const seen: string[] = [];
  const dotPositions = new Set<string>();
  for (let presses = 0; !(await hasText(status, '(done)')); presses++) {
    expect(presses, 'Step presses waiting for the move to finish').toBeLessThan(600);
    const phase = (await status.textContent()) ?? '';
    if (seen.at(-1) !== phase) {
      seen.push(phase);
      await snap(page, `phase-${seen.length}-${phase.replace(/\W/g, '')}`);
    }
    const dot = panel.getByTestId('moving-row').first();
    if ((await dot.count()) > 0) dotPositions.add((await dot.getAttribute('data-t')) ?? '');
    await stepOnce(page);
  }
  note('phases seen', seen.join(' '));
  // Step waits for each event's database work, so every phase is seen, however short.
  expect(seen).toEqual(['(Copy)', '(Catch-up)', '(Verify)', '(Switch reads)', '(Switch writes)', '(Clean up)']);
  expect(dotPositions.size, 'rows drawn at different places as engine time moves').toBeGreaterThan(1);
  const phases = panel.getByRole('list', { name: 'Resharding phases' }).getByRole('listitem');
  await expect(phases).toHaveCount(6);
  const started: number[] = [];
  for (const li of await phases.all()) {
    await expect(li).toHaveAttribute('data-state', 'done');
    const at = ((await li.textContent()) ?? '').match(/done · ([\d.,]+) s/)?.[1];
    expect(at, `start time of ${await li.textContent()}`).toBeDefined();
    started.push(Number(at?.replace(/,/g, '')));
  }
  expect(started, 'phases started in order').toEqual([...started].sort((a, b) => a - b));
  await expect(panel.getByTestId('reshard-verify')).toContainText('equal');
  await expect(panel.getByTestId('reshard-moved')).toContainText('theory: 80.0 %');
  await expect(panel.getByTestId('shard-node-shard-4')).toHaveAttribute('data-state', 'serving');
  note('moved', (await panel.getByTestId('reshard-moved').textContent()) ?? '');
  note('pause', (await panel.getByTestId('reshard-pause').textContent()) ?? '');

  await playClock(page);
  await load(page, false);
  await expect(ledger).toContainText('nothing lost, nothing duplicated', { timeout: 30_000 });
  await expect(panel.getByRole('status', { name: 'Duplicate order ids' })).toContainText(
    'No order id exists on two shards',
  );
  note('ledger', (await ledger.textContent()) ?? '');
  await snap(page, 'nothing-lost');

  const axe = await new AxeBuilder({ page }).include('section.shards').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

test("colliding ids: each shard's serial repeats ids across shards; global ids do not", async ({ page }) => {
  test.slow(); // four PostgreSQL workers boot on a shared 2-core machine
  await openApp(page);
  const panel = await shardOrders(page, 'serial');
  await load(page, true);
  const duplicates = panel.getByRole('status', { name: 'Duplicate order ids' });
  await expect(duplicates).toContainText('order ids exist on more than one shard', { timeout: 30_000 });
  note('serial ids', (await duplicates.textContent()) ?? '');
  // Moving rows onto a shard that already has those ids hits the primary key.
  await panel.getByRole('button', { name: 'Add a shard' }).click();
  await expect(panel.getByRole('alert')).toContainText('duplicate key value violates unique constraint', {
    timeout: 30_000,
  });
  await expect(panel.getByTestId('reshard-status')).toHaveText('(failed)');
  await snap(page, 'serial-ids-collide');

  // The fix, on a fresh lab (the page reloaded): globally unique, shard-prefixed ids.
  await page.reload();
  await waitForBoot(page);
  const fixed = await shardOrders(page, 'global');
  await load(page, true);
  const ledger = fixed.getByRole('status', { name: 'Row ledger' });
  await expect.poll(() => ackedWrites(ledger), { timeout: 30_000 }).toBeGreaterThanOrEqual(20);
  await expect(fixed.getByRole('status', { name: 'Duplicate order ids' })).toContainText(
    'No order id exists on two shards',
  );
  await snap(page, 'global-ids');
});

test("a killed shard fails only its own users' orders and every scatter query; restarted, it serves again", async ({
  page,
}) => {
  test.slow(); // four PostgreSQL workers boot on a shared 2-core machine
  await openApp(page);
  const panel = await shardOrders(page, 'global');
  await panel.getByRole('combobox', { name: 'Shard', exact: true }).selectOption('shard-1');
  await panel.getByRole('button', { name: 'Kill shard' }).click();
  await expect(panel.getByTestId('shard-node-shard-1')).toHaveAttribute('data-down', 'true');
  await expect(panel.getByTestId('shard-node-shard-1')).toContainText('down');
  await expect(panel.getByRole('button', { name: 'Add a shard' })).toBeDisabled();

  // user_id % 4: user 1001 lives on shard-1 (down), user 1002 on shard-2.
  const client = page.getByRole('region', { name: 'Client' });
  const user = client.getByRole('combobox', { name: 'User' });
  await user.selectOption('1001');
  await client.getByRole('button', { name: 'Place order' }).click();
  await expect(writeResult(page)).toContainText('Connection refused', { timeout: 30_000 });
  note('shard-1 down, user 1001', (await writeResult(page).textContent()) ?? '');
  await user.selectOption('1002');
  await client.getByRole('button', { name: 'Place order' }).click();
  await expect(writeResult(page)).toContainText('shard-2', { timeout: 30_000 });
  await expect(writeResult(page)).not.toContainText('Connection refused');

  await panel.getByRole('button', { name: 'Run on every shard' }).click();
  await expect(panel.getByTestId('scatter-error')).toContainText('shard-1: could not connect to server');
  await snap(page, 'shard-down');

  await panel.getByRole('button', { name: 'Restart shard' }).click();
  await expect(panel.getByTestId('shard-node-shard-1')).not.toHaveAttribute('data-down', 'true');
  await user.selectOption('1001');
  await client.getByRole('button', { name: 'Place order' }).click();
  await expect(writeResult(page)).toContainText('shard-1', { timeout: 30_000 });
  await expect(writeResult(page)).not.toContainText('Connection refused');
  await panel.getByRole('button', { name: 'Run on every shard' }).click();
  await expect(panel.getByTestId('scatter-latency')).toBeVisible();
  const violations = (await new AxeBuilder({ page }).include('.shards').analyze()).violations;
  expect(violations.map((v) => v.id)).toEqual([]);
});
