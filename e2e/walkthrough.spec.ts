/**
 * The lesson, start to end, as a learner would go through it, driven only through roles and
 * names: place an order, read it back from a replica 3 s behind and see the stale read (and
 * the read-your-writes violation) marked with its evidence, in the read result and on the
 * timeline; turn on a read-your-writes fix and read the next order back; kill the primary,
 * watch the failover's phases (detect, elect, promote, repoint, endpoint) in order, and see
 * the promoted replica take the next order. A full-page screenshot per step is kept with the
 * test's results (test-results/walkthrough-<title>-chromium/NN-step.png), numbered in lesson
 * order.
 *
 * Where the lesson depends on timing (the read must come before the replica replays the
 * order; the failover's phases are seconds apart) the clock is paused and advanced with the
 * Step button one engine event at a time, so the test does not depend on how fast this
 * machine is. Elsewhere the clock plays at 1x; it is paused while a screenshot is taken. The
 * failover uses the app's default settings (a health check a second, 3 misses; phases 1 s /
 * 1 s / 0.5 s / 1 s: about 7.5 s of engine time).
 */
import type { Locator, Page } from '@playwright/test';
import {
  clickPlaceOrder,
  expect,
  failoverStatus,
  hasText,
  note,
  openApp,
  openTab,
  pauseClock,
  placedOrderId,
  playClock,
  REPLICAS,
  readMyOrders,
  readResult,
  setReplicaLag,
  snap,
  stepUntil,
  test,
  writeResult,
} from './helpers.ts';

const LAG_MS = 3000;
const PHASES = ['Detect', 'Elect', 'Promote', 'Repoint', 'Endpoint'];

function engineTimer(page: Page): Locator {
  return page.getByRole('timer', { name: 'Engine time' });
}

/** A full-page screenshot with the clock paused, so it shows just what was asserted. */
async function pausedSnap(page: Page, name: string): Promise<void> {
  await pauseClock(page);
  await snap(page, name);
  await playClock(page);
}

test('walkthrough: a stale read, a read-your-writes fix, and a failover that hands the next order to a promoted replica', async ({
  page,
}) => {
  test.setTimeout(300_000); // booting four PostgreSQL workers and stepping on a busy machine takes a while
  await openApp(page);
  await expect(page.getByRole('combobox', { name: 'Speed' })).toHaveValue('1');
  await openTab(page, 'Routing & load');
  await expect(page.getByRole('combobox', { name: 'Read-your-writes strategy' })).toHaveValue('none');
  note('clock', 'plays at 1x; paused and stepped for the stale read and the failover; default failover settings');

  let firstOrder = '';
  await test.step('1. place an order while every replica is 3 s behind', async () => {
    await setReplicaLag(page, LAG_MS);
    await pauseClock(page);
    await clickPlaceOrder(page);
    await expect(writeResult(page)).toContainText('the clock is paused');
    await stepUntil(page, 'the order committed', () => hasText(writeResult(page), 'committed on'));
    await expect(writeResult(page)).toContainText('committed on primary');
    firstOrder = await placedOrderId(page);
    expect(firstOrder).toMatch(/^\d+$/);
    await expect(page.getByTestId('write-endpoint')).toHaveText('primary');
    // Acknowledged, but no replica has replayed it yet.
    for (const replica of REPLICAS) await expect(page.getByTestId(`${replica}-behind-txns`)).toHaveText('1');
    note('order', `#${firstOrder}: ${await writeResult(page).textContent()}`);
    await snap(page, '01-place-order');
  });

  let staleReplica = '';
  await test.step('2. read it back from a lagging replica: the stale read is marked', async () => {
    const read = readResult(page);
    await page.getByRole('button', { name: 'Read my orders' }).click();
    await stepUntil(page, 'the read answered', async () => (await read.getByTestId('read-node').count()) > 0);
    // The consistency checker runs in its own worker, on wall time: it judges the read while paused.
    await expect(read.getByText('Checking this read')).toHaveCount(0);
    note('read', (await read.textContent()) ?? '');
    await expect(read.getByTestId('read-node')).toHaveText(/^replica-\d$/);
    staleReplica = (await read.getByTestId('read-node').textContent()) ?? '';
    await expect(read.getByTestId('read-route')).toContainText(
      '(picked by the load balancer) routed it: round-robin read',
    );
    await expect(read.getByTestId('read-order-ids')).not.toContainText(`#${firstOrder}`);
    const anomalies = read.getByRole('list', { name: 'Anomalies' });
    await expect(anomalies.getByText('Stale', { exact: true })).toBeVisible();
    await expect(anomalies.getByText('Read-your-writes violation', { exact: true })).toBeVisible();
    // The evidence: which acknowledged order it missed, and how far the replica had replayed.
    await expect(anomalies).toContainText(`user 1001's own order #${firstOrder} was acknowledged at`);
    await expect(anomalies).toContainText(new RegExp(`${staleReplica} had replayed only to [0-9A-F]+/[0-9A-F]+`));
    await openTab(page, 'Reads');
    await expect(page.getByTestId('reads-read-your-writes')).toHaveText(/^1 /);
    await snap(page, '02-stale-read');
  });

  await test.step('3. the timeline marks the read; its mark opens the evidence', async () => {
    await openTab(page, 'Timeline');
    const timeline = page.getByRole('region', { name: 'Timeline', exact: true });
    const mark = timeline.getByRole('button', {
      name: new RegExp(`^Read-your-writes violation: read \\d+ by user-1001 on ${staleReplica}$`),
    });
    await expect(mark).toHaveCount(1);
    await expect(
      timeline.getByRole('button', { name: new RegExp(`^Stale: read \\d+ by user-1001 on ${staleReplica}$`) }),
    ).toHaveCount(1);
    note('mark', (await mark.getAttribute('aria-label')) ?? '');
    // Opened from the keyboard (while the clock plays the mark moves left, under the pointer).
    await mark.focus();
    await expect(mark).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(mark).toHaveAttribute('aria-pressed', 'true');
    const evidence = page.getByRole('region', { name: 'Anomaly evidence' });
    await expect(evidence).toContainText(`order #${firstOrder} by user 1001`);
    await expect(evidence).toContainText(new RegExp(`Served by.*${staleReplica}, replayed to [0-9A-F]+/[0-9A-F]+`));
    await snap(page, '03-timeline-mark');
    await evidence.getByRole('button', { name: 'Close' }).click();
    await expect(evidence).toHaveCount(0);
    await playClock(page);
  });

  let secondOrder = '';
  await test.step('4. turn on a fix (primary after a write, shared sessions) and read the next order back', async () => {
    await openTab(page, 'Routing & load');
    const strategy = page.getByRole('combobox', { name: 'Read-your-writes strategy' });
    await strategy.selectOption('primary-after-write');
    await expect(strategy).toHaveValue('primary-after-write');
    // The seed's per-app-server session Map would not help: the read may land on another app server.
    const sessions = page.getByRole('combobox', { name: 'Session store' });
    await sessions.selectOption('shared');
    await expect(sessions).toHaveValue('shared');
    // Replicas are still 3 s behind.
    await openTab(page, 'Nodes');
    for (const replica of REPLICAS) {
      await expect(page.getByRole('spinbutton', { name: `Lag of ${replica} (ms)` })).toHaveValue(String(LAG_MS));
    }
    await clickPlaceOrder(page);
    await expect(writeResult(page)).toContainText('committed on primary');
    secondOrder = await placedOrderId(page);
    const read = await readMyOrders(page);
    await expect(read.getByText('No anomaly', { exact: true })).toBeVisible();
    await expect(read.getByRole('list', { name: 'Anomalies' })).toHaveCount(0);
    await expect(read.getByTestId('read-node')).toHaveText('primary');
    await expect(read.getByTestId('read-route')).toContainText('this session has written: read from the primary');
    for (const id of [firstOrder, secondOrder]) {
      await expect(read.getByTestId('read-order-ids')).toContainText(`#${id}`);
    }
    await openTab(page, 'Reads');
    await expect(page.getByTestId('reads-read-your-writes')).toHaveText(/^1 /); // still only the first read
    await pausedSnap(page, '04-fix-read-your-writes');
  });

  await test.step('5. the replicas catch up before the primary is killed (nothing acknowledged is lost)', async () => {
    await openTab(page, 'Nodes');
    for (const replica of REPLICAS) {
      await expect(page.getByTestId(`${replica}-behind-txns`)).toHaveText('0', { timeout: 30_000 });
    }
  });

  const status = failoverStatus(page);
  const manager = status.getByRole('status', { name: 'Failover manager' });
  const endpoint = status.getByTestId('failover-endpoint');
  const phases = status.getByRole('list', { name: 'Phases of the latest failover' }).getByRole('listitem');
  await test.step('6. kill the primary: writes fail until the failover manager declares it dead', async () => {
    // The failover story beside the topology: the whole failover on one screen.
    await openTab(page, 'Failover');
    await expect(manager).toHaveText('Watching primary: a health check every 1,000 ms');
    await expect(status.getByTestId('failover-phase')).toHaveText('none under way');
    // From here to the end of the failover the clock is stepped, one event at a time.
    await pauseClock(page);
    // Killed from the topology's node menu.
    const topology = page.getByRole('region', { name: 'Topology' });
    await topology.getByRole('button', { name: 'primary actions' }).click();
    await topology
      .getByRole('group', { name: 'primary actions' })
      .getByRole('button', { name: 'Kill primary' })
      .click();
    const primaryBox = topology.getByTestId('topology-node-primary');
    await stepUntil(page, 'the primary down', async () => (await primaryBox.getAttribute('data-status')) === 'down');
    note('kill', `primary killed at ${await engineTimer(page).textContent()}`);
    // The endpoint still points at the dead primary: the next order fails.
    await clickPlaceOrder(page);
    await stepUntil(page, 'the order refused', () => hasText(writeResult(page), 'Connection refused'));
    await stepUntil(page, 'Detect', async () => (await phases.count()) >= 1);
    await expect(phases).toHaveText([/^Detect/]);
    await expect(phases.first()).toContainText('primary missed its health checks: declared dead');
    await expect(endpoint).toHaveText('primary');
    await snap(page, '05-phase-detect');
  });

  await test.step('7. step through the phases: elect, promote, repoint (the endpoint moves last), endpoint', async () => {
    let shot = 6;
    for (const [i, name] of PHASES.entries()) {
      if (i === 0) continue;
      // Elect and Promote arrive in the same engine event (promotion starts as the election
      // ends), so a phase may already be there: then no step is pressed and no screenshot taken.
      const presses = await stepUntil(page, name, async () => (await phases.count()) > i);
      // Each phase appears after the one before it.
      for (const [k, earlier] of PHASES.slice(0, i + 1).entries()) {
        await expect(phases.nth(k)).toHaveText(new RegExp(`^${earlier}`));
      }
      if (name === 'Elect') await expect(phases.nth(i)).toContainText('most up-to-date');
      if (name === 'Repoint') {
        // Promoted and taking writes, but clients still write to the dead primary's endpoint.
        await expect(status.getByTestId('failover-primary')).toHaveText(/^replica-\d$/);
        await expect(endpoint).toHaveText('primary (moves last: writes fail until it does)');
      }
      if (name !== 'Endpoint' && presses > 0) await snap(page, `0${shot++}-phase-${name.toLowerCase()}`);
    }
    await expect(phases).toHaveText(PHASES.map((p) => new RegExp(`^${p}`)));
    await expect(endpoint).toHaveText(/^replica-\d$/);
    await playClock(page);
  });

  let newPrimary = '';
  await test.step('8. the failover is over: a former replica is the primary and the endpoint', async () => {
    await expect(status.getByTestId('failover-phase')).toHaveText('none under way');
    newPrimary = (await status.getByTestId('failover-primary').textContent()) ?? '';
    expect(REPLICAS).toContain(newPrimary);
    await expect(endpoint).toHaveText(newPrimary);
    await expect(status.getByTestId('failover-fenced')).toHaveText('primary');
    await expect(manager).toHaveText(`Watching ${newPrimary}: a health check every 1,000 ms`);
    await expect(status.getByRole('list', { name: 'Lost orders' })).toHaveCount(0);
    note('failover', `${newPrimary} promoted; phases: ${(await phases.allTextContents()).join(' | ')}`);
    await expect(page.getByTestId('write-endpoint')).toHaveText(newPrimary);
    await pausedSnap(page, '08-failed-over');
    await openTab(page, 'Nodes');
    await expect(page.getByTestId(`${newPrimary}-role`)).toHaveText(/^primary/);
    await expect(page.getByTestId(`${newPrimary}-role`)).toContainText('endpoint');
    await expect(page.getByTestId('primary-role')).toHaveText(/^replica/);
  });

  await test.step('9. the new primary takes the next order, and the read sees every order', async () => {
    await clickPlaceOrder(page);
    await expect(writeResult(page)).toContainText(`committed on ${newPrimary}`);
    const thirdOrder = await placedOrderId(page);
    const read = await readMyOrders(page);
    await expect(read.getByTestId('read-node')).toHaveText(newPrimary);
    await expect(read.getByText('No anomaly', { exact: true })).toBeVisible();
    for (const id of [firstOrder, secondOrder, thirdOrder]) {
      await expect(read.getByTestId('read-order-ids')).toContainText(`#${id}`);
    }
    await openTab(page, 'Failover');
    const downtime = status.getByTestId('failover-1-downtime');
    await expect(downtime).toHaveText(/^[\d,]+ ms \(first failed write to the first that succeeded\)$/);
    note('next order', `#${thirdOrder} committed on ${newPrimary}; downtime ${await downtime.textContent()}`);
    await pausedSnap(page, '09-new-primary-takes-order');
  });
});
