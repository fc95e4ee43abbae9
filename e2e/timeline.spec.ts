/**
 * The client timeline in Chromium: with replicas 3 s behind, an order and a read through
 * the load balancer put a write bar and a read bar on user-1001's row, and the read gets a
 * read-your-writes mark whose evidence names the order it missed.
 */
import { expect, note, openApp, snap, test } from './helpers.ts';

test('timeline: a read-your-writes violation gets a mark that opens its evidence', async ({ page }) => {
  await openApp(page);
  for (const replica of ['replica-1', 'replica-2', 'replica-3']) {
    const lag = page.getByRole('spinbutton', { name: `Lag of ${replica} (ms)` });
    await lag.fill('3000');
    await expect(lag).toHaveValue('3000');
  }
  await page.waitForTimeout(1000);

  const written = page.getByRole('status', { name: 'Write result' });
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(written).toContainText('committed on primary');
  const id = ((await written.getByTestId('placed-order-id').textContent()) ?? '').replace('#', '');
  const read = page.getByRole('status', { name: 'Read result' });
  await page.getByRole('button', { name: 'Read my orders' }).click();
  await expect(read.getByText('Read-your-writes violation', { exact: true })).toBeVisible();

  const timeline = page.getByRole('region', { name: 'Timeline', exact: true });
  await expect(timeline.getByRole('img', { name: /^Timeline from .* operations/ })).toBeVisible();
  const mark = timeline.getByRole('button', {
    name: /Read-your-writes violation: read \d+ by user-1001 on replica-\d/,
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
  await snap(page, 'timeline-ryw');
  await evidence.getByRole('button', { name: 'Close' }).click();
  await expect(evidence).toHaveCount(0);
});
