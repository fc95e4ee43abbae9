/**
 * The capacity and cost panel in Chromium, through roles and names: its inputs start at
 * the design document's numbers, the document's figures stand beside the recomputed ones
 * (a corrected read utilisation and ROI shown as off, the write utilisation agreeing),
 * changing an input moves the figures (free replay gives the document's 32 % back), and
 * after a real failover in the lab "Use measured failover downtime" puts the measured
 * downtime into the model. axe finds no violation in the panel. No fixed sleeps: every wait
 * is on text the page derives from the engine's snapshot.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, note, openApp, snap, test } from './helpers.ts';

async function openPanelTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tablist', { name: 'Panels' }).getByRole('tab', { name, exact: true });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

test("the capacity panel starts at the document's inputs and shows the corrected figures beside its own", async ({
  page,
}) => {
  test.slow(); // four PostgreSQL workers boot on a shared 2-core machine
  await openApp(page);
  await openPanelTab(page, 'Capacity & cost');
  const panel = page.getByRole('region', { name: 'Capacity and cost' });
  await expect(panel).toBeVisible();

  const defaults: [string, string][] = [
    ['Writes/s one node handles', '10000'],
    ['Reads/s one node handles', '10000'],
    ['Peak writes/s', '1400'],
    ['Peak reads/s (after the cache)', '9600'],
    ['Read replicas', '3'],
    ['Growth (x)', '10'],
    ['Availability before (%)', '99.5'],
    ['Manual failover before (min)', '30'],
    ['Automatic failover (s)', '30'],
    ['Node cost ($/month)', '500'],
    ['Downtime cost ($/hour)', '10000'],
  ];
  for (const [name, value] of defaults) {
    await expect(panel.getByRole('spinbutton', { name, exact: true })).toHaveValue(value);
  }

  const claims = panel.getByRole('table', { name: "The document's figures, recomputed" });
  const row = (claim: string) => claims.getByRole('row').filter({ has: page.getByRole('rowheader', { name: claim }) });
  await expect(row('Master: 1,400 of 10,000 writes/s')).toContainText('14 %');
  await expect(row('Master: 1,400 of 10,000 writes/s')).toContainText('agrees');
  const readUse = row('9,600 reads/s: 32 %');
  await expect(readUse.getByRole('cell').nth(1)).toHaveText('32 %');
  await expect(readUse.getByRole('cell').nth(2)).toHaveText('37.2 %');
  await expect(readUse).toContainText('off');
  await expect(row('Net benefit: $396,000/year').getByRole('cell').nth(2)).toHaveText('$405,240');
  await expect(row('10 replicas = 100,000 reads/s').getByRole('cell').nth(2)).toHaveText('30,000/s');
  await expect(panel.getByTestId('capacity-growth-cheapest')).toContainText('3 shards x 6 replicas: 24 nodes');
  await expect(panel.getByTestId('capacity-failures')).toContainText('87.6');
  await snap(page, '1-capacity-defaults');

  // The document's implicit assumption, free replay: its 32 % comes back and agrees.
  await panel.getByRole('spinbutton', { name: 'Replay cost (share of a write)' }).fill('0');
  await expect(readUse.getByRole('cell').nth(2)).toHaveText('32 %');
  await expect(readUse).toContainText('agrees');
  // A field out of range names itself and shows no figures.
  await panel.getByRole('spinbutton', { name: 'Read replicas' }).fill('0');
  await expect(panel.getByRole('alert')).toHaveText('Fix these inputs: Read replicas.');
  await panel.getByRole('button', { name: "Document's numbers" }).click();
  await expect(readUse.getByRole('cell').nth(2)).toHaveText('37.2 %');

  const axe = await new AxeBuilder({ page }).include('section.capacity').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

test('"Use measured failover downtime" takes the failover measured in this run', async ({ page }) => {
  test.slow(); // four PostgreSQL workers boot on a shared 2-core machine
  await openApp(page);
  await openPanelTab(page, 'Capacity & cost');
  const panel = page.getByRole('region', { name: 'Capacity and cost' });
  const useMeasured = panel.getByRole('button', { name: 'Use measured failover downtime' });
  await expect(useMeasured).toBeDisabled();
  await expect(panel.getByTestId('capacity-measured-downtime')).toContainText('No failover measured');

  await openPanelTab(page, 'Nodes');
  await page.getByRole('button', { name: 'Kill primary' }).click();
  await openPanelTab(page, 'Capacity & cost');
  // The failover manager detects, elects, promotes and moves the endpoint on the engine clock.
  const measured = panel.getByTestId('capacity-measured-downtime');
  await expect(measured).toContainText("This run's measured failover downtime", { timeout: 60_000 });
  const ms = Number(((await measured.textContent()) ?? '').match(/downtime: ([\d,]+) ms/)?.[1].replaceAll(',', ''));
  note('measured failover downtime', `${ms} ms`);
  expect(ms).toBeGreaterThan(0);

  await useMeasured.click();
  // The note rounds to whole ms; the input takes the measured figure as it is.
  const failoverInput = panel.getByRole('spinbutton', { name: 'Automatic failover (s)' });
  await expect.poll(async () => Math.abs(Number(await failoverInput.inputValue()) * 1000 - ms)).toBeLessThan(1);
  await expect(panel.getByRole('status', { name: 'Capacity inputs changed' })).toContainText('measured downtime');
  const after = (await panel.getByTestId('capacity-downtime').textContent()) ?? '';
  note('downtime a year with the measured failover', after);
  // 87.6 failures a year at the measured time, as the engine computes it.
  const minutes = (87.6 * ms) / 60_000;
  expect(after).toContain(minutes >= 60 ? `${(minutes / 60).toFixed(1)} h` : `${minutes.toFixed(1)} min`);
  await snap(page, '2-capacity-measured');
});
