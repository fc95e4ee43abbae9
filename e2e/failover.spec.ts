/**
 * Replication modes and automatic failover in Chromium, driven only through roles and
 * names: a killed primary is detected, a replica elected, promoted and given the endpoint
 * in phases, and takes the next order; under async replication with replicas 3 s behind,
 * an order acknowledged just before the primary dies is lost and the page says so; sync
 * replication makes a write wait for its standby, semi-sync falls back to async.
 */
import {
  clickPlaceOrder,
  engineTimeMs,
  expect,
  failoverStatus,
  hasText,
  note,
  openApp,
  openTab,
  pauseClock,
  placedOrderId,
  placeOrderStepped,
  playClock,
  REPLICAS,
  replicasCaughtUp,
  setReplicaLag,
  snap,
  stepUntil,
  test,
  writeResult,
} from './helpers.ts';

test('failover: the primary dies, a replica is detected, elected, promoted and given the endpoint, and takes the next order', async ({
  page,
}) => {
  await openApp(page);
  await openTab(page, 'Failover');
  const status = failoverStatus(page);
  await expect(status.getByTestId('failover-primary')).toHaveText('primary');
  await expect(status.getByTestId('failover-endpoint')).toHaveText('primary');
  await expect(status.getByRole('status', { name: 'Failover manager' })).toHaveText(
    'Watching primary: a health check every 1,000 ms',
  );

  // The defaults: a check a second, 500 ms timeout, 3 misses; phases 1 s / 1 s / 0.5 s / 1 s.
  await openTab(page, 'Replication');
  const defaults: [string, string][] = [
    ['Interval (ms)', '1000'],
    ['Timeout per check (ms)', '500'],
    ['Retries', '3'],
    ['Elect (ms)', '1000'],
    ['Promote (ms)', '1000'],
    ['Repoint (ms)', '500'],
    ['Endpoint (ms)', '1000'],
  ];
  for (const [name, value] of defaults) {
    await expect(page.getByRole('spinbutton', { name, exact: true })).toHaveValue(value);
  }
  await expect(page.getByRole('checkbox', { name: 'Automatic failover' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Fencing (STONITH)' })).toBeChecked();
  const policy = page.getByRole('combobox', { name: 'Promotion policy' });
  await expect(policy).toHaveValue('most-up-to-date');
  await expect(policy).toHaveAccessibleDescription(/Patroni and Orchestrator promote the healthy replica/);

  // The seed's preset, then back to a shorter election.
  await page.getByRole('button', { name: "Seed's 20 s timeline" }).click();
  await expect(page.getByRole('spinbutton', { name: 'Interval (ms)' })).toHaveValue('1500');
  await expect(page.getByRole('spinbutton', { name: 'Elect (ms)' })).toHaveValue('5000');
  await expect(page.getByRole('spinbutton', { name: 'Repoint (ms)' })).toHaveValue('0');
  for (const [name, value] of defaults) {
    await page.getByRole('spinbutton', { name, exact: true }).fill(value);
  }
  await page.getByRole('heading', { name: 'Failover settings' }).click(); // blur: inputs show what was sent
  for (const [name, value] of defaults) {
    await expect(page.getByRole('spinbutton', { name, exact: true })).toHaveValue(value);
  }

  await openTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Kill primary' }).click();
  const killedAt = await engineTimeMs(page);
  await expect(page.getByTestId('primary-status')).toHaveText('down');
  // The endpoint still points at the dead primary: this write fails.
  await clickPlaceOrder(page);
  await expect(writeResult(page)).toContainText('Connection refused');
  await openTab(page, 'Failover');
  await expect(status.getByRole('status', { name: 'Failover manager' })).toContainText(
    /Health check of primary waiting for an answer|primary missed \d of 3 health checks in a row/,
  );

  // While the endpoint moves, the new primary already takes writes but clients still go to the old one.
  await expect(status.getByTestId('failover-endpoint')).toContainText('moves last', { timeout: 15_000 });
  await snap(page, '1-failing-over');
  const phases = status.getByRole('list', { name: 'Phases of the latest failover' }).getByRole('listitem');
  await expect(phases).toHaveText([/^Detect/, /^Elect/, /^Promote/, /^Repoint/, /^Endpoint/], { timeout: 15_000 });
  await expect(phases.first()).toContainText('primary missed its health checks: declared dead');
  await expect(phases.nth(1)).toContainText('most up-to-date');
  const newPrimary = (await status.getByTestId('failover-primary').textContent()) ?? '';
  expect(REPLICAS).toContain(newPrimary);
  await expect(status.getByTestId('failover-endpoint')).toHaveText(newPrimary);
  await expect(status.getByTestId('failover-fenced')).toHaveText('primary');
  await expect(status.getByRole('status', { name: 'Failover manager' })).toHaveText(
    `Watching ${newPrimary}: a health check every 1,000 ms`,
  );
  await openTab(page, 'Nodes');
  await expect(page.getByTestId(`${newPrimary}-role`)).toHaveText(/^primary/);
  await expect(page.getByTestId(`${newPrimary}-role`)).toContainText('endpoint');
  await expect(page.getByTestId('primary-role')).toHaveText(/^replica/);
  await openTab(page, 'Activity');
  for (const line of [
    'Health check: primary did not answer (3 in a row)',
    'Failover, detect: primary missed its health checks: declared dead',
    `Failover, promote: ${newPrimary} replayed what it had received`,
    `Failover, endpoint: the endpoint clients write to now points at ${newPrimary}: writes resume`,
  ]) {
    await expect(page.getByRole('log', { name: 'Activity' })).toContainText(line);
  }

  // The next order through the load balancer goes to the new primary.
  await expect(page.getByTestId('write-endpoint')).toHaveText(newPrimary);
  await clickPlaceOrder(page);
  await expect(writeResult(page)).toContainText(`committed on ${newPrimary}`);
  const after = await placedOrderId(page);
  note('failover', `primary killed at ~${killedAt} ms; ${newPrimary} promoted; next order #${after} on it`);
  await openTab(page, 'Failover');
  const failovers = status.getByRole('table', { name: 'Failovers' });
  await expect(failovers.getByRole('row')).toHaveCount(2);
  await expect(failovers.getByRole('row').nth(1)).toContainText(`${newPrimary} at`);
  const downtime = status.getByTestId('failover-1-downtime');
  await expect(downtime).toHaveText(/^[\d,]+ ms \(first failed write to the first that succeeded\)$/);
  note('downtime', (await downtime.textContent()) ?? '');
  await expect(page.getByTestId('measured-downtime')).toContainText('Measured failover downtime:');
  await expect(page.getByTestId('run-availability')).toHaveText(/^\d+\.\d{4} % available \(.+ down a year\)$/);
  note('availability', `12 failovers a year: ${await page.getByTestId('run-availability').textContent()}`);
  await page.getByRole('spinbutton', { name: 'Availability (%)' }).fill('99.5');
  await expect(page.getByTestId('downtime-per-year')).toHaveText('43.8 h down a year');
  await page.getByRole('spinbutton', { name: 'Availability (%)' }).fill('99.99');
  await expect(page.getByTestId('downtime-per-year')).toHaveText('52.6 min down a year');
  await snap(page, '2-failed-over');

  // The old primary, fenced, comes back only as a replica of the new primary.
  await openTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Restart primary' }).click();
  await expect(page.getByTestId('primary-status')).toHaveText('up', { timeout: 10_000 });
  await expect(page.getByTestId('primary-replication')).toHaveText('streaming', { timeout: 10_000 });
  await openTab(page, 'Failover');
  await expect(status.getByRole('list', { name: 'Rewound nodes' })).toContainText('primary at');
  await expect(status.getByRole('list', { name: 'Rewound nodes' })).toContainText('a fresh copy of the primary');
  await expect(status.getByTestId('failover-fenced')).toHaveText('none');
  await openTab(page, 'Nodes');
  await expect(async () => {
    await page.getByRole('button', { name: 'Check every node' }).click();
    await expect(page.getByTestId('primary-order-ids')).toContainText(`#${after}`, { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await snap(page, '3-old-primary-rejoined');
});

test('async: an order acknowledged just before the primary dies is lost, and the page calls it out', async ({
  page,
}) => {
  await openApp(page);
  await openTab(page, 'Replication');
  await expect(page.getByTestId('mode-orders')).toHaveText('Orders async');
  await setReplicaLag(page, 3000);
  await replicasCaughtUp(page);
  // Paused from the order to the kill: the primary dies with the order still on every link.
  await pauseClock(page);
  const id = await placeOrderStepped(page);
  await expect(writeResult(page)).toContainText('committed on primary');
  await page.getByRole('button', { name: 'Kill primary' }).click();
  await stepUntil(page, 'the primary down', () => hasText(page.getByTestId('primary-status'), 'down'));
  for (const replica of REPLICAS) await expect(page.getByTestId(`${replica}-behind-txns`)).toHaveText('1');
  note('order', `#${id} acknowledged, primary killed at ${await engineTimeMs(page)} ms`);
  await playClock(page);

  await openTab(page, 'Failover');
  const status = failoverStatus(page);
  const lost = status.getByRole('list', { name: 'Lost orders' });
  await expect(lost).toContainText(new RegExp(`Order #${id} confirmed to user 1001 at [\\d,]+ ms, now gone`), {
    timeout: 15_000,
  });
  await expect(lost).toContainText('primary acknowledged it');
  await openTab(page, 'Activity');
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText(
    new RegExp(`Lost in the failover: order #${id} confirmed to user 1001 at [\\d,]+ ms, now gone`),
  );
  await openTab(page, 'Failover');
  note('lost', (await lost.textContent()) ?? '');
  await expect(status.getByTestId('failover-endpoint')).toHaveText(/^replica-\d$/, { timeout: 15_000 });
  const newPrimary = (await status.getByTestId('failover-primary').textContent()) ?? '';
  await snap(page, '4-lost-order');
  await openTab(page, 'Nodes');

  // The customer was told "order placed"; no node has it now.
  await expect(async () => {
    await page.getByRole('button', { name: 'Check every node' }).click();
    for (const node of REPLICAS) {
      await expect(page.getByTestId(`${node}-order-count`)).toHaveText('0', { timeout: 500 });
    }
  }).toPass({ timeout: 10_000 });
  await clickPlaceOrder(page);
  await expect(writeResult(page)).toContainText(`committed on ${newPrimary}`);
  // The sequence's advance was lost with the order: the new primary may hand out the same id.
  note('sequence', `the next order on ${newPrimary} is #${await placedOrderId(page)} (the lost one was #${id})`);
  await snap(page, '5-lost-order-checked');
});

test('replication modes: sync waits for its standby, semi-sync falls back to async', async ({ page }) => {
  await openApp(page);
  await openTab(page, 'Replication');
  const form = page.getByRole('form', { name: 'Replication mode' });
  const mode = form.getByRole('combobox', { name: 'Mode' });
  await expect(mode).toHaveValue('async');
  await expect(form.getByRole('textbox', { name: 'synchronous_standby_names' })).toHaveCount(0);
  await expect(form.getByRole('spinbutton', { name: 'Fall back to async after (ms)' })).toHaveCount(0);

  // Sync: its parameters appear, a bad standby list is explained and cannot be applied.
  await mode.selectOption('sync');
  await expect(mode).toHaveAccessibleDescription(/PostgreSQL synchronous_standby_names/);
  const names = form.getByRole('textbox', { name: 'synchronous_standby_names' });
  await expect(names).toHaveValue('FIRST 1 (replica-1)');
  await names.fill('FIRST 3 (replica-1)');
  await expect(form).toContainText('"FIRST 3 (replica-1)" asks for 3 of 1 standbys');
  await expect(form.getByRole('button', { name: 'Apply mode' })).toBeDisabled();
  await names.fill('FIRST 1 (replica-1)');
  const level = form.getByRole('combobox', { name: 'synchronous_commit' });
  await expect(level).toHaveValue('on');
  await level.selectOption('remote_apply');
  await expect(level).toHaveAccessibleDescription(/only level that makes reads on the standby fresh/);
  await form.getByRole('button', { name: 'Apply mode' }).click();
  await expect(page.getByTestId('mode-orders')).toHaveText(
    'Orders sync FIRST 1 (replica-1), synchronous_commit = remote_apply',
  );

  // With its only synchronous standby disconnected, the commit waits.
  await openTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Disconnect replica-1' }).click();
  await clickPlaceOrder(page);
  await expect(writeResult(page)).toContainText('Placing an order');
  await openTab(page, 'Replication');
  const stuck = page.getByRole('list', { name: 'Stuck writes' });
  await expect(stuck).toContainText(/\(orders\) waiting [\d,]+ ms for 1 more synchronous standby/);
  await snap(page, '6-sync-stuck');
  await openTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Reconnect replica-1' }).click();
  await expect(writeResult(page)).toContainText('committed on primary');
  await openTab(page, 'Replication');
  await expect(stuck).toHaveCount(0);

  // Semi-sync with a 2 s timeout and no replica connected: it falls back to async.
  await mode.selectOption('semi-sync');
  await expect(mode).toHaveAccessibleDescription(/MySQL semi-sync.*10,000 ms/);
  const timeout = form.getByRole('spinbutton', { name: 'Fall back to async after (ms)' });
  await expect(timeout).toHaveValue('10000');
  await timeout.fill('2000');
  await form.getByRole('button', { name: 'Apply mode' }).click();
  await expect(page.getByTestId('mode-orders')).toHaveText('Orders semi-sync (timeout 2000 ms)');
  await openTab(page, 'Nodes');
  for (const replica of REPLICAS) await page.getByRole('button', { name: `Disconnect ${replica}` }).click();
  await clickPlaceOrder(page);
  await openTab(page, 'Replication');
  await expect(page.getByTestId('mode-orders')).toContainText('fell back to async', { timeout: 10_000 });
  await expect(writeResult(page)).toContainText('committed on primary');
  await openTab(page, 'Activity');
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText(
    'Replication of orders: semi-sync: no replica acknowledged within 2000 ms, fell back to async',
  );
  await openTab(page, 'Replication');
  await snap(page, '7-semi-sync-fell-back');
  await openTab(page, 'Nodes');
  for (const replica of REPLICAS) await page.getByRole('button', { name: `Reconnect ${replica}` }).click();
  await openTab(page, 'Replication');
  await expect(page.getByTestId('mode-orders')).not.toContainText('fell back', { timeout: 10_000 });
  await openTab(page, 'Activity');
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText('a replica caught up: semi-sync again');
});

test('split brain: without fencing, a partitioned old primary keeps taking writes after a replica was promoted', async ({
  page,
}) => {
  await openApp(page);
  const status = failoverStatus(page);
  await openTab(page, 'Replication');
  await page.getByRole('checkbox', { name: 'Fencing (STONITH)' }).uncheck();
  await expect(page.getByRole('checkbox', { name: 'Fencing (STONITH)' })).not.toBeChecked();
  await openTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Partition primary' }).click();
  await expect(page.getByTestId('primary-role')).toContainText('partitioned');
  await openTab(page, 'Failover');
  await expect(status.getByTestId('failover-partitioned')).toHaveText('primary');
  await expect(status.getByTestId('failover-endpoint')).toHaveText(/^replica-\d$/, { timeout: 15_000 });
  const newPrimary = (await status.getByTestId('failover-endpoint').textContent()) ?? '';
  await expect(status.getByTestId('failover-fenced')).toHaveText('none');
  await openTab(page, 'Nodes');
  await expect(page.getByTestId('primary-role')).toHaveText(/^primary/);
  await openTab(page, 'Failover');

  // A client that still reaches the old primary writes there: it acknowledges, nobody follows.
  await page.getByRole('combobox', { name: 'Send to' }).selectOption('primary');
  await clickPlaceOrder(page);
  await expect(writeResult(page)).toContainText('committed on primary');
  const rogue = await placedOrderId(page);
  await expect(status.getByRole('alert')).toContainText('SPLIT BRAIN');
  await expect(status.getByRole('alert')).toContainText(`primary and ${newPrimary} both accepted writes`);
  await expect(status.getByRole('list', { name: 'Divergent orders' })).toContainText(
    `primary, a primary nobody follows, accepted #${rogue}: no other node has them`,
  );
  await snap(page, '8-split-brain');
  await openTab(page, 'Activity');
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText('Split brain:');
  await openTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Heal primary' }).click();
  await openTab(page, 'Failover');
  await expect(status.getByTestId('failover-partitioned')).toHaveText('none');
  await snap(page, '9-healed');
  await page.emulateMedia({ colorScheme: 'dark' });
  await snap(page, '10-split-brain-dark');
});
