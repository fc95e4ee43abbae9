/**
 * Offline after the first visit (issue 15): the built app's service worker caches the app,
 * PGlite's wasm and data and the node snapshot once the lab has booted; with the network
 * then cut, a reload boots the whole cluster from that cache and takes an order.
 */
import { clickPlaceOrder, expect, note, test, waitForBoot } from './helpers.ts';

const PREVIEW = `http://localhost:${Number(process.env.PW_PREVIEW_PORT ?? Number(process.env.PW_PORT ?? 4173) + 1)}`;

test('a second visit boots the lab from the service worker with the network off', async ({ page, context }) => {
  await page.goto(`${PREVIEW}/#sandbox`);
  await waitForBoot(page);
  // Registered once the cluster runs; installed once it has cached every file of the build.
  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 100));
    const names = await caches.keys();
    const cache = await caches.open(names.find((n) => n.startsWith('replica-lab-')) ?? 'none');
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  note('cached', cached.join(', '));
  expect(cached).toContain('/snapshot/cluster.tar');
  expect(cached.some((p) => p.endsWith('.wasm'))).toBe(true);
  expect(cached.some((p) => p.endsWith('.data'))).toBe(true);

  await context.setOffline(true);
  const fromNetwork: string[] = [];
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.url().startsWith(PREVIEW) && !r.fromServiceWorker()) fromNetwork.push(r.url());
  });
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  await page.reload();
  await waitForBoot(page);
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await clickPlaceOrder(page);
  await expect(page.getByRole('status', { name: 'Write result' })).toContainText('committed on primary');
  expect(failed).toEqual([]);
  expect(fromNetwork).toEqual([]);
  await context.setOffline(false);
});
