/**
 * The client timeline in Chromium: with replicas 10 s behind, an order and a read through
 * the load balancer put a write bar and a read bar on user-1001's row, and the read gets a
 * read-your-writes mark whose evidence names the order it missed. While the evidence is
 * open the topology highlights the node that served the read ("missed order #N"), the
 * primary that acknowledged it and the order's dots still on the links; closing it clears them.
 */
import {
  expect,
  note,
  openApp,
  openTab,
  pauseClock,
  placeOrderStepped,
  readMyOrdersStepped,
  replicasCaughtUp,
  setReplicaLag,
  snap,
  test,
  writeResult,
} from './helpers.ts';

test('timeline: a read-your-writes violation gets a mark that opens its evidence', async ({ page }) => {
  await openApp(page);
  // Long enough that the order is still on every link while the evidence is open.
  await setReplicaLag(page, 10_000);
  // Whatever was on the links before has arrived (engine state, not a sleep).
  await replicasCaughtUp(page);
  // Engine time frozen from the order on: the read misses it and its dots stay where they are on the links.
  await pauseClock(page);
  const id = await placeOrderStepped(page);
  await expect(writeResult(page)).toContainText('committed on primary');
  const read = await readMyOrdersStepped(page);
  await expect(read.getByText('Read-your-writes violation', { exact: true })).toBeVisible();
  const served = (await read.getByTestId('read-node').textContent()) ?? '';
  expect(served).toMatch(/^replica-\d$/);

  await openTab(page, 'Timeline');
  const timeline = page.getByRole('region', { name: 'Timeline', exact: true });
  await expect(timeline.getByRole('img', { name: /^Timeline from .* operations/ })).toBeVisible();
  const mark = timeline.getByRole('button', {
    name: new RegExp(`Read-your-writes violation: read \\d+ by user-1001 on ${served}`),
  });
  await expect(mark).toHaveCount(1);
  note('mark', (await mark.getAttribute('aria-label')) ?? '');
  await expect(timeline.getByRole('button', { name: /^Stale: read \d+ by user-1001/ })).toHaveCount(1);

  // Reachable by keyboard: focus it and press Enter.
  await mark.focus();
  await expect(mark).toBeFocused();
  await page.keyboard.press('Enter');
  const evidence = page.getByRole('region', { name: 'Anomaly evidence' });
  await expect(evidence).toContainText(`user 1001's own order #${id} was acknowledged at`);
  await expect(evidence).toContainText(`order #${id} by user 1001`);
  await expect(evidence).toContainText(/Served by.*replica-\d, replayed to [0-9A-F]+\/[0-9A-F]+/);

  // The topology highlights what the evidence names: not by colour alone, but a ring, words and data.
  const topology = page.getByRole('region', { name: 'Topology' });
  const servedNode = topology.getByTestId(`topology-node-${served}`);
  await expect(servedNode).toHaveAttribute('data-highlight', 'served');
  await expect(servedNode).toContainText(`missed order #${id}`);
  await expect(topology.getByTestId('topology-node-primary')).toHaveAttribute('data-highlight', 'acked');
  await expect(topology.getByTestId('topology-node-primary')).toContainText(`acknowledged #${id}`);
  for (const other of ['replica-1', 'replica-2', 'replica-3'].filter((r) => r !== served)) {
    await expect(topology.getByTestId(`topology-node-${other}`)).not.toHaveAttribute('data-highlight', /.*/);
  }
  await expect(topology.getByRole('img', { name: /primary/ })).toHaveAccessibleName(
    new RegExp(
      `Highlighted for the open evidence: ${served} served read \\d+, replayed to [0-9A-F]+/[0-9A-F]+, and missed order #${id}; primary acknowledged it at LSN [0-9A-F]+/[0-9A-F]+\\.$`,
    ),
  );
  // The order is still on its way to every replica: its dots are highlighted, the one to the serving node labelled.
  await expect(topology.locator('circle[data-highlight="missed"]')).toHaveCount(3);
  await expect(topology.getByTestId(new RegExp(`^shipment-${served}-`))).toHaveAttribute('data-highlight', 'missed');
  await expect(topology.getByText(`#${id}`, { exact: true })).toHaveCount(1);
  await snap(page, 'timeline-ryw');
  await evidence.getByRole('button', { name: 'Close' }).click();
  await expect(evidence).toHaveCount(0);
  await expect(topology.locator('[data-highlight]')).toHaveCount(0);
  await expect(topology.getByText(`missed order #${id}`)).toHaveCount(0);
});
