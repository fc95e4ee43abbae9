/**
 * The app shell in Chromium, driven only through what a learner sees (roles and names):
 * it boots a primary and three worker replicas, an order placed on the page replicates
 * to every replica in real engine time, and errors show on the page instead of crashing it.
 */
import type { Page } from '@playwright/test';
import {
  engineTimeMs,
  expect,
  note,
  openTab,
  processed,
  rendered,
  snap,
  stepUntil,
  test,
  waitForBoot,
} from './helpers.ts';

const NODES = ['primary', 'replica-1', 'replica-2', 'replica-3'];

/** Opens free play from the start page and waits for the running cluster. */
async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Replica Lab', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Free play (sandbox)' }).click();
  await expect(page).toHaveURL(/#sandbox$/);
  // Booting takes seconds (four PostgreSQL instances), so the status is there to see.
  await expect(page.getByRole('status').filter({ hasText: 'Booting cluster…' })).toBeVisible();
  await waitForBoot(page);
  await openTab(page, 'Nodes');
  await expect(nodesTable(page)).toBeVisible();
  note('boot', `4 nodes ready ${await page.getByTestId('boot-time').textContent()} after navigation start`);
  // The clock plays at 1x after boot.
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Speed' })).toHaveValue('1');
}

function nodesTable(page: Page) {
  return page.getByRole('table', { name: 'Nodes' });
}

function row(page: Page, node: string) {
  return nodesTable(page).getByRole('row', { name: new RegExp(`^${node} `) });
}

/** Parses `0/1A2B3C` into a number so positions can be compared. */
function lsn(text: string | null): number {
  const [hi, lo] = (text ?? '').trim().split('/');
  return Number.parseInt(hi, 16) * 2 ** 32 + Number.parseInt(lo, 16);
}

test('boots the cluster, and an order placed on the page shows up on every replica', async ({ page }) => {
  await openApp(page);
  await snap(page, '1-booted');
  const bootLsn = lsn(await page.getByTestId('primary-replay-lsn').textContent());
  for (const node of NODES) await expect(row(page, node).getByTestId(`${node}-status`)).toHaveText('up');

  await expect(page.getByRole('combobox', { name: 'User' })).toHaveValue('1001');
  await expect(page.getByRole('spinbutton', { name: 'Total' })).toHaveValue('59.90');
  await page.getByRole('button', { name: 'Place order' }).click();
  const written = page.getByRole('status', { name: 'Write result' });
  await expect(written).toContainText('committed on primary');
  const orderId = (await written.getByTestId('placed-order-id').textContent())?.replace('#', '');
  const writeLsn = lsn(await written.locator('code').textContent());
  const ackedAtMs = await engineTimeMs(page);
  expect(writeLsn).toBeGreaterThan(bootLsn);
  note('order', `#${orderId} at LSN ${await written.locator('code').textContent()}, acknowledged at ~${ackedAtMs} ms`);

  // Lags are 150/250/400 ms (+/- 50 ms jitter): keep checking until every node has it.
  await expect(async () => {
    await page.getByRole('button', { name: 'Check every node' }).click();
    for (const node of NODES) {
      await expect(row(page, node).getByTestId(`${node}-order-ids`)).toContainText(`#${orderId}`, { timeout: 500 });
    }
  }).toPass({ timeout: 20_000 });
  note('replicated', `on every node by engine time ~${await engineTimeMs(page)} ms`);
  for (const node of NODES.slice(1)) {
    const cells = row(page, node);
    expect(lsn(await cells.getByTestId(`${node}-replay-lsn`).textContent())).toBeGreaterThanOrEqual(writeLsn);
    await expect(cells.getByTestId(`${node}-behind-txns`)).toHaveText('0');
    await expect(cells.getByTestId(`${node}-order-count`)).toHaveText('1');
  }

  // A round-robin read is served by a replica and sees the order.
  await page.getByRole('button', { name: 'Read my orders' }).click();
  const read = page.getByRole('status', { name: 'Read result' });
  await expect(read).toContainText(`#${orderId}`);
  await expect(read.getByTestId('read-node')).toHaveText(/^replica-\d$/);
  await snap(page, '2-replicated');

  // The replication log names the WAL and the binlog and opens an entry's real WAL records.
  await openTab(page, 'Replication log');
  const log = page.getByRole('region', { name: 'Replication log' });
  await expect(log).toContainText('binlog');
  await log.getByRole('button', { name: 'WAL records of transaction 1' }).click();
  await expect(log.getByRole('table', { name: 'WAL records of transaction 1' })).toContainText('COMMIT');
});

test('shows refused writes and dead nodes on the page, and the clock answers the keyboard', async ({ page }) => {
  await openApp(page);

  // A write sent to a replica: PostgreSQL's read-only error, not a crash.
  await page.getByRole('combobox', { name: 'Send to' }).selectOption('replica-1');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('status', { name: 'Write result' })).toContainText(
    'ERROR:  cannot execute INSERT in a read-only transaction (SQLSTATE 25006)',
  );

  // A killed replica refuses connections until it is restarted and has recovered.
  await page.getByRole('button', { name: 'Kill replica-2' }).click();
  await expect(page.getByTestId('replica-2-status')).toHaveText('down');
  await page.getByRole('combobox', { name: 'Read from' }).selectOption('replica-2');
  await page.getByRole('button', { name: 'Read my orders' }).click();
  await expect(page.getByRole('status', { name: 'Read result' })).toContainText('Connection refused');
  await openTab(page, 'Activity');
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText('Connection refused');
  await snap(page, '3-errors');
  await openTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Restart replica-2' }).click();
  await expect(page.getByTestId('replica-2-status')).toHaveText('recovering');
  await expect(page.getByTestId('replica-2-status')).toHaveText('up', { timeout: 10_000 });

  // A disconnected replica falls behind; the lag input changes the link.
  await page.getByRole('button', { name: 'Disconnect replica-3' }).click();
  await expect(page.getByTestId('replica-3-replication')).toHaveText('disconnected');
  await page.getByRole('combobox', { name: 'Send to' }).selectOption('');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('status', { name: 'Write result' })).toContainText('committed on primary');
  await expect(page.getByTestId('replica-3-behind-txns')).toHaveText('1');
  await page.getByRole('button', { name: 'Reconnect replica-3' }).click();
  await expect(page.getByTestId('replica-3-behind-txns')).toHaveText('0');
  await page.getByRole('spinbutton', { name: 'Lag of replica-1 (ms)' }).fill('2000');
  // Blurred, the input shows the engine's value; the topology's link shows it too.
  await page.getByRole('heading', { name: 'Nodes' }).click();
  await expect(page.getByRole('spinbutton', { name: 'Lag of replica-1 (ms)' })).toHaveValue('2000');
  await expect(page.getByRole('region', { name: 'Topology' }).getByTestId('link-label-replica-1')).toContainText(
    '2,000 ms',
  );

  // Space pauses, Right arrow steps one event, Space plays again (focus outside controls).
  await page.getByRole('heading', { name: 'Nodes' }).click();
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  // Paused: the engine runs no event, and the page shows the engine's time (engine state, no sleep).
  await rendered(page);
  const pausedEvents = await processed(page);
  const pausedAt = await engineTimeMs(page);
  expect(pausedAt).toBe(await page.evaluate(() => Math.round(window.replicaLab?.cluster.clock.now() ?? -1)));
  await rendered(page);
  expect(await processed(page)).toBe(pausedEvents);
  expect(await engineTimeMs(page)).toBe(pausedAt);
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('status', { name: 'Write result' })).toContainText('the clock is paused');
  await page.getByRole('heading', { name: 'Nodes' }).click();
  // Right arrow steps the engine (the next event; the paused page's own command may run with it).
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => processed(page)).toBeGreaterThan(pausedEvents);
  // The acknowledgement is a few events away (the commit is shipped to the replicas first).
  const written = page.getByRole('status', { name: 'Write result' });
  await stepUntil(page, 'the order acknowledged', async () =>
    ((await written.textContent()) ?? '').includes('committed on primary'),
  );
  expect(await engineTimeMs(page)).toBeGreaterThan(pausedAt);
  await page.getByRole('heading', { name: 'Nodes' }).click();
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await snap(page, '4-after-faults');
  await page.emulateMedia({ colorScheme: 'dark' });
  await snap(page, '5-dark');
});
