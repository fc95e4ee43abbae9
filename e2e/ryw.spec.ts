/**
 * Read-your-writes in Chromium, driven only through roles and names: with replicas 3 s
 * behind, a read right after a write through the load balancer misses the new order (the
 * checker says why); the seed's per-app-server session does not help, because the read
 * lands on another app server; primary-after-write with a shared session store, and
 * lsn-wait, do. Then the load generator puts ops/s on every node and fills the reads list.
 */
import type { Locator, Page } from '@playwright/test';
import {
  expect,
  note,
  openApp,
  openTab,
  pauseClock,
  placeOrderStepped,
  REPLICAS,
  readMyOrdersStepped,
  replicasCaughtUp,
  setReplicaLag,
  snap,
  test,
  writeResult,
} from './helpers.ts';

/**
 * With the clock paused, places an order through the default route (the load balancer),
 * steps until it is acknowledged, and returns its id: the read that follows comes before
 * any replica 3 s behind has it, however slow the machine.
 */
async function placeOrder(page: Page): Promise<string> {
  const id = await placeOrderStepped(page);
  const written = writeResult(page);
  await expect(written).toContainText('committed on primary');
  await expect(written).toContainText(/, through app-\d\./);
  note('order', `#${id}: ${await written.textContent()}`);
  return id;
}

/**
 * Sets every replica's link `ms` behind, once whatever was in flight before has arrived,
 * then pauses the clock (the test steps it) and opens the routing settings.
 */
async function lagReplicas(page: Page, ms: number): Promise<void> {
  await setReplicaLag(page, ms);
  await replicasCaughtUp(page);
  await pauseClock(page);
  await openTab(page, 'Routing & load');
}

function strategySelect(page: Page): Locator {
  return page.getByRole('combobox', { name: 'Read-your-writes strategy' });
}

test('read-your-writes: violated through the load balancer and with per-app-server sessions, kept by primary-after-write with a shared session', async ({
  page,
}) => {
  await openApp(page);
  await lagReplicas(page, 3000);

  // 1. No strategy: the read goes round robin to a replica that has not replayed the order.
  await expect(strategySelect(page)).toHaveValue('none');
  const first = await placeOrder(page);
  let read = await readMyOrdersStepped(page);
  await expect(read.getByText('Read-your-writes violation', { exact: true })).toBeVisible();
  await expect(read.getByText('Stale', { exact: true })).toBeVisible();
  await expect(read).toContainText(`user 1001's own order #${first} was acknowledged at`);
  await expect(read).toContainText(/had replayed only to [0-9A-F]+\/[0-9A-F]+/);
  await expect(read.getByTestId('read-node')).toHaveText(/^replica-\d$/);
  await expect(read.getByTestId('read-route')).toContainText(
    '(picked by the load balancer) routed it: round-robin read',
  );
  await openTab(page, 'Reads');
  await expect(page.getByTestId('reads-read-your-writes')).toHaveText(/^1 /);
  await snap(page, '1-ryw-violation');
  await openTab(page, 'Routing & load');

  // 2. Primary after a write, but the seed's per-app-server sessions: the write goes
  //    through app-2, the read lands on app-3, which never saw it.
  await strategySelect(page).selectOption('primary-after-write');
  await expect(strategySelect(page)).toHaveValue('primary-after-write');
  await expect(strategySelect(page)).toHaveAccessibleDescription(/pgpool-II disable_load_balance_on_write/);
  await expect(page.getByRole('combobox', { name: 'Session store' })).toHaveValue('per-app-server');
  await expect(page.getByRole('combobox', { name: 'Session store' })).toHaveAccessibleDescription(
    /userSessions Map lives in one process/,
  );
  await page.getByRole('combobox', { name: 'Send to' }).selectOption('app-2');
  await page.getByRole('combobox', { name: 'Read from' }).selectOption('app-3');
  const second = await placeOrder(page);
  read = await readMyOrdersStepped(page);
  await expect(read.getByText('Read-your-writes violation', { exact: true })).toBeVisible();
  await expect(read).toContainText(`order #${second}`);
  await expect(read.getByTestId('read-node')).toHaveText(/^replica-\d$/);
  await expect(read.getByTestId('read-route')).toContainText('app-3 routed it: round-robin read');
  await snap(page, '2-per-app-server-session');
  await page.getByRole('combobox', { name: 'Send to' }).selectOption('Load balancer');
  await page.getByRole('combobox', { name: 'Read from' }).selectOption('Load balancer');

  // 3. The same strategy with a shared session store: the primary serves the read.
  await page.getByRole('combobox', { name: 'Session store' }).selectOption('shared');
  await expect(page.getByRole('combobox', { name: 'Session store' })).toHaveValue('shared');
  const third = await placeOrder(page);
  read = await readMyOrdersStepped(page);
  await expect(read.getByText('No anomaly', { exact: true })).toBeVisible();
  await expect(read.getByText('Read-your-writes violation', { exact: true })).toHaveCount(0);
  await expect(read.getByTestId('read-node')).toHaveText('primary');
  await expect(read.getByTestId('read-route')).toContainText('this session has written: read from the primary');
  for (const id of [first, second, third]) await expect(read.getByTestId('read-order-ids')).toContainText(`#${id}`);
  await snap(page, '3-primary-after-write-shared');

  // The strategy's one number shows only where it applies.
  for (const name of ['Window (ms)', 'Timeout (ms)', 'Max lag (ms)']) {
    await expect(page.getByRole('spinbutton', { name })).toHaveCount(0);
  }
  await strategySelect(page).selectOption('time-window');
  await expect(strategySelect(page)).toHaveAccessibleDescription(
    /Rails DatabaseSelector: primary for 2 s after a write/,
  );
  await expect(page.getByRole('spinbutton', { name: 'Window (ms)' })).toHaveValue('5000');
  await strategySelect(page).selectOption('lag-aware');
  await expect(page.getByRole('spinbutton', { name: 'Window (ms)' })).toHaveCount(0);
  await expect(page.getByRole('spinbutton', { name: 'Max lag (ms)' })).toHaveValue('1000');
  await expect(strategySelect(page)).toHaveAccessibleDescription(/ProxySQL max_replication_lag/);

  // The reads list shows every read, newest first, with its verdict.
  await openTab(page, 'Reads');
  const reads = page.getByRole('table', { name: /reads, newest first/ });
  await expect(reads.getByRole('row')).toHaveCount(4); // header + 3 reads
  await expect(reads.getByRole('row').nth(1)).toContainText('No anomaly');
  await expect(reads.getByRole('row').nth(2)).toContainText('Read-your-writes violation');
  await expect(reads.getByRole('row').nth(3)).toContainText('Read-your-writes violation');
  await expect(page.getByTestId('reads-read-your-writes')).toHaveText(/^2 /);
  await expect(page.getByTestId('reads-primary-share')).toHaveText('33.3 %');
});

test('read-your-writes with lsn-wait: the read waits for the replica, or falls back to the primary', async ({
  page,
}) => {
  await openApp(page);
  await lagReplicas(page, 3000);
  await page.getByRole('combobox', { name: 'Session store' }).selectOption('shared');
  await expect(page.getByRole('spinbutton', { name: 'Timeout (ms)' })).toHaveCount(0);
  await strategySelect(page).selectOption('lsn-wait');
  await expect(strategySelect(page)).toHaveAccessibleDescription(/pg_last_wal_replay_lsn/);
  const timeout = page.getByRole('spinbutton', { name: 'Timeout (ms)' });
  await expect(timeout).toHaveValue('1000');

  // 1 s is too short for a replica 3 s behind: the primary serves it.
  const first = await placeOrder(page);
  let read = await readMyOrdersStepped(page);
  await expect(read.getByText('No anomaly', { exact: true })).toBeVisible();
  await expect(read.getByTestId('read-node')).toHaveText('primary');
  await expect(read.getByTestId('read-route')).toContainText(/had not caught up in time, so primary served it/);
  await expect(read.getByTestId('read-order-ids')).toContainText(`#${first}`);

  // With 5 s the replica catches up first and serves it (the read waits 3 s of engine time: stepped).
  await timeout.fill('5000');
  await page.getByRole('heading', { name: 'Routing' }).click(); // blur: the input shows the engine's value
  await expect(timeout).toHaveValue('5000');
  const second = await placeOrder(page);
  read = await readMyOrdersStepped(page);
  await expect(read.getByText('No anomaly', { exact: true })).toBeVisible();
  await expect(read.getByTestId('read-node')).toHaveText(/^replica-\d$/);
  await expect(read.getByTestId('read-route')).toContainText(
    /has replayed this session's last write; waited [\d,]+ ms/,
  );
  await expect(read.getByTestId('read-order-ids')).toContainText(`#${second}`);
  await snap(page, '4-lsn-wait');
});

test('the load generator puts ops/s on every node and fills the reads list', async ({ page }) => {
  await openApp(page);
  await openTab(page, 'Routing & load');
  await expect(page.getByRole('spinbutton', { name: 'Writes/s' })).toHaveValue('20');
  await expect(page.getByRole('spinbutton', { name: 'Reads/s' })).toHaveValue('80');
  await page.getByRole('button', { name: 'Start load' }).click();
  await expect(page.getByRole('status', { name: 'Load generator state' })).toHaveText(
    'Running: 20 writes/s and 80 reads/s from 20 users.',
  );
  await expect(page.getByRole('spinbutton', { name: 'Writes/s' })).toBeDisabled();
  // Engine state, not a sleep: wait until the checker has judged more than 50 reads (~1 s of load).
  await openTab(page, 'Reads');
  const readsTotal = async () =>
    Number(((await page.getByTestId('reads-total').textContent()) ?? '').replace(/\D.*$/, '')) || 0;
  await expect.poll(readsTotal, { timeout: 60_000 }).toBeGreaterThan(50);
  const total = await readsTotal();
  await openTab(page, 'Nodes');
  for (const node of ['primary', ...REPLICAS]) {
    await expect.poll(async () => Number(await page.getByTestId(`${node}-ops`).textContent())).toBeGreaterThan(0);
    await expect(page.getByTestId(`${node}-utilisation`)).toHaveText(/^\d+\.\d %$/);
  }
  await openTab(page, 'Reads');
  await expect(page.getByTestId('reads-latency')).toHaveText(/^[\d,]+ ms \/ [\d,]+ ms$/);
  const reads = page.getByRole('table', { name: /reads, newest first/ });
  await expect(reads.getByRole('row')).toHaveCount(21);
  note(
    'load',
    `${total} reads; stale ${await page.getByTestId('reads-stale').textContent()}, ` +
      `read-your-writes ${await page.getByTestId('reads-read-your-writes').textContent()}, ` +
      `primary share ${await page.getByTestId('reads-primary-share').textContent()}, ` +
      `p50/p99 ${await page.getByTestId('reads-latency').textContent()}`,
  );
  await snap(page, '5-load');

  await page.getByRole('checkbox', { name: 'Only reads with an anomaly' }).check();
  await snap(page, '6-load-anomalies');
  await openTab(page, 'Routing & load');
  await page.getByRole('button', { name: 'Stop load' }).click();
  await expect(page.getByRole('status', { name: 'Load generator state' })).toHaveText('Stopped.');
  await expect(page.getByRole('spinbutton', { name: 'Writes/s' })).toBeEnabled();
});
