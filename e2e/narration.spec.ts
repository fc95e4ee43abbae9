/**
 * The narration line in Chromium, driven through roles and names: with every replica 3 s
 * behind, an order placed through the load balancer is narrated with its LSN and when
 * each replica receives it; the read right after misses it, and the line says which node
 * served it, at which replay LSN, and why (the order is still on the link). Once the
 * replicas have it, a read is fresh and the line says so. The activity log keeps each line.
 */
import {
  expect,
  note,
  openApp,
  openTab,
  pauseClock,
  placeOrderStepped,
  playClock,
  readMyOrdersStepped,
  replicasCaughtUp,
  setReplicaLag,
  snap,
  test,
} from './helpers.ts';

const LSN = '[0-9A-F]+/[0-9A-F]+';

test('narration: says why a read right after an order misses it, and why a later read is fresh', async ({ page }) => {
  await openApp(page);
  const narration = page.getByRole('status', { name: 'Narration' });
  await expect(narration).toContainText('Place an order, then read it back');
  await setReplicaLag(page, 3000);
  // Whatever was already on the links arrives before the order is placed.
  await replicasCaughtUp(page);

  // Paused from the order to the read: the read comes before any replica has the order, however slow the machine.
  await pauseClock(page);
  const written = page.getByRole('status', { name: 'Write result' });
  const id = await placeOrderStepped(page);
  await expect(written).toContainText('committed on primary');
  await expect(narration).toContainText(
    new RegExp(
      `Order #${id} acknowledged by primary at LSN ${LSN} \\(\\d+\\.\\d\\d s\\)\\. ` +
        'replica-\\d receives it in ~(2\\.9|3\\.0|3\\.1) s, replica-\\d in ~\\d\\.\\d s, replica-\\d in ~\\d\\.\\d s\\.',
    ),
  );
  const writeLine = (await narration.getByTestId('narration-text').textContent()) ?? '';
  note('write narration', writeLine);

  const read = await readMyOrdersStepped(page);
  await expect(read.getByText('Read-your-writes violation', { exact: true })).toBeVisible();
  const node = (await read.getByTestId('read-node').textContent()) ?? '';
  expect(node).toMatch(/^replica-\d$/);
  await expect(narration).toContainText(
    new RegExp(
      `Read \\d+ by user-1001 missed order #${id} \\(stale, read-your-writes violation\\): ` +
        `it was acknowledged by primary at LSN ${LSN} \\(\\d+\\.\\d\\d s\\), but ${node} served the read at replay LSN ${LSN} ` +
        'and has not received it yet: it is still on the link and arrives in ~\\d\\.\\d s, so this read misses it\\.',
    ),
  );
  await expect(narration).toHaveAttribute('data-tone', 'miss');
  const readLine = (await narration.getByTestId('narration-text').textContent()) ?? '';
  note('read narration', readLine);
  await snap(page, 'narration-miss');

  // The activity log keeps both "why" lines.
  await openTab(page, 'Activity');
  const log = page.getByRole('log', { name: 'Activity' });
  await expect(log).toContainText(writeLine);
  await expect(log).toContainText(readLine);

  // Once the order has arrived everywhere, a read is fresh, and the line says why.
  await playClock(page);
  await replicasCaughtUp(page);
  await page.getByRole('button', { name: 'Read my orders' }).click();
  await expect(narration).toContainText(
    new RegExp(
      `Read \\d+ by user-1001 is fresh: replica-\\d served it at replay LSN ${LSN} \\(round-robin read\\) ` +
        'and had replayed every write acknowledged before the read began\\.',
    ),
  );
  await expect(narration).toHaveAttribute('data-tone', 'info');
  await expect(read.getByTestId('read-order-ids')).toContainText(`#${id}`);
  note('fresh narration', (await narration.getByTestId('narration-text').textContent()) ?? '');
  await snap(page, 'narration-fresh');
});
