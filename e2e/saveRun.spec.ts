/**
 * A learner's run saved as a scenario file: the page's journal (every command at the
 * engine time it was sent) becomes an ordinary scenario, and that file plays back through
 * `npm run scenario` to exactly the summary the page's own scenario player shows for it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { clickPlaceOrder, expect, note, openApp, openTab, readMyOrders, setReplicaLag, test } from './helpers.ts';

/** `npm run scenario -- <file> --json`, as an instructor would run it. */
function cliSummary(file: string): unknown {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/scenario.ts', file, '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`the CLI failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

test('a run saved from the page plays back through the CLI to the page player summary', async ({ page }) => {
  await openApp(page);
  await setReplicaLag(page, 1500, ['replica-1']);
  await clickPlaceOrder(page);
  await readMyOrders(page);
  // Kill the primary so the saved run holds a failover too.
  await page.getByRole('button', { name: 'Kill primary' }).first().click();
  await openTab(page, 'Activity');
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText('primary was killed');
  // Let the failover run its course (engine state, not a fixed sleep), then place an order on the new primary.
  await expect(page.getByRole('log', { name: 'Activity' })).toContainText('Failover, endpoint:', { timeout: 20_000 });
  await clickPlaceOrder(page);
  await expect(page.getByRole('status', { name: 'Write result' })).toContainText('committed on replica', {
    timeout: 10_000,
  });
  await page.getByRole('button', { name: 'Pause' }).click();

  await openTab(page, 'Scenarios');
  const panel = page.getByRole('region', { name: 'Scenarios' });
  const saved = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Save this run as a scenario' }).click();
  const download = await saved;
  const file = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(file);
  const scenario = JSON.parse(readFileSync(file, 'utf8'));
  note('saved', `${scenario.steps.length} steps: ${scenario.steps.map((s: { do: string }) => s.do).join(', ')}`);
  expect(scenario).toMatchObject({ version: 1, seed: expect.any(Number), settings: { replicas: 3 } });
  const actions = scenario.steps.map((s: { do: string }) => s.do);
  expect(actions).toEqual(expect.arrayContaining(['setLag', 'placeOrder', 'readOrders', 'killNode']));
  expect(actions.at(-1)).toBe('wait');

  // The saved file is loaded in the panel: play it on the page, then compare with the CLI.
  await expect(panel.getByRole('combobox', { name: 'Preset' })).toHaveValue('');
  await panel.getByRole('button', { name: 'Start scenario' }).click();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('8');
  const result = panel.getByRole('region', { name: 'Scenario result' });
  await expect(result.getByRole('status')).toContainText('Finished.', { timeout: 90_000 });
  const shown = JSON.parse((await result.getByTestId('scenario-summary-json').textContent()) ?? '');
  const expected = cliSummary(file);
  note('summary', `CLI and page: ${shown.writes.length} writes, ${shown.failovers.length} failover(s)`);
  expect(shown).toEqual(expected);
  expect(shown.failovers.length).toBeGreaterThan(0);
});
