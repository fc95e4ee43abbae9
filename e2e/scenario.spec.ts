/**
 * Scenarios in the page: a preset played on the visible cluster ends with exactly the
 * summary the CLI prints for the same preset and seed (and its steps are highlighted as
 * the run reaches them); a malformed scenario file is rejected with the CLI's messages and
 * changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { expect, note, openApp, openTab, snap, test } from './helpers.ts';

/** `npm run scenario -- <preset> --json --seed N`, as an instructor would run it. */
function cliSummary(preset: string, seed: number): unknown {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/scenario.ts', preset, '--json', '--seed', `${seed}`],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (run.status !== 0) throw new Error(`the CLI failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

test('a preset played in the page gives the CLI result for the same seed', async ({ page }) => {
  const expected = cliSummary('async-failover', 4);
  await openApp(page);
  await openTab(page, 'Scenarios');
  const panel = page.getByRole('region', { name: 'Scenarios' });
  await panel.getByRole('combobox', { name: 'Preset' }).selectOption({ label: 'Async failover loses orders' });
  const steps = panel.getByRole('list', { name: 'Scenario steps' });
  await expect(steps.getByRole('listitem').first()).toContainText('placeOrder user 1001, total 20');
  await panel.getByRole('textbox', { name: 'Scenario seed' }).fill('4');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('2');
  await panel.getByRole('button', { name: 'Start scenario' }).click();

  // The run goes step by step: some step is current while it plays.
  await expect(steps.locator('[aria-current="step"]')).toHaveCount(1, { timeout: 60_000 });
  // At the top of the page too, while it plays.
  await expect(page.getByRole('region', { name: 'Scenario progress' })).toContainText(/step \d+ of 12/);
  await snap(page, 'scenario-playing');
  const result = panel.getByRole('region', { name: 'Scenario result' });
  await expect(result.getByRole('status')).toContainText('Finished.', { timeout: 90_000 });
  await expect(steps.getByRole('listitem').last()).toHaveAttribute('aria-current', 'step');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await expect(result.getByText('orders 2, 3')).toBeVisible();
  await snap(page, 'scenario-finished');

  const shown = JSON.parse((await result.getByTestId('scenario-summary-json').textContent({ timeout: 5_000 })) ?? '');
  note('summary', `page: stale ${shown.staleReads}, lost ${shown.lostWrites}, drained at ${shown.drainedAtMs} ms`);
  expect(shown).toEqual(expected);
});

test('a malformed scenario file is rejected with the CLI messages and changes nothing', async ({ page }) => {
  await openApp(page);
  await openTab(page, 'Scenarios');
  const panel = page.getByRole('region', { name: 'Scenarios' });
  const preset = panel.getByRole('combobox', { name: 'Preset' });
  await preset.selectOption({ label: 'The stale read' });
  const bad = {
    version: 1,
    name: 'bad',
    steps: [
      { at: 0, do: 'placeOrder', user: 1001 },
      { do: 'readOrdrs', user: 1 },
    ],
  };
  await panel.getByLabel('Open a scenario file').setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bad)),
  });
  const alert = panel.getByRole('alert');
  await expect(alert).toContainText('bad.json is not a valid scenario, so nothing changed');
  await expect(alert).toContainText('step 1 (placeOrder): field "total"');
  await expect(alert).toContainText('step 2: unknown action "do": "readOrdrs" (did you mean "readOrders"?)');
  await expect(preset).toHaveValue('stale-read');
  await expect(panel.getByRole('heading', { name: 'The stale read' })).toBeVisible();

  await panel.getByLabel('Open a scenario file').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"version": 1, "name": '),
  });
  await expect(alert).toContainText('broken.json is not valid JSON');
  await snap(page, 'scenario-bad-file');

  // A lesson file opened here is told where it belongs.
  await panel.getByLabel('Open a scenario file').setInputFiles({
    name: 'my-lesson.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ version: 2, id: 'mine', title: 'Mine', chapters: [] })),
  });
  await expect(alert).toContainText(
    'my-lesson.json is a lesson (version 2), not a scenario: open it on the start page, under "Your lessons"',
  );
  await expect(preset).toHaveValue('stale-read');

  // A good file replaces the preset and plays.
  // A file is data: HTML in its name or notes shows as text, never as markup.
  const note = '<img src=x onerror="window.__owned = true"><b>bold?</b>';
  const good = {
    version: 1,
    name: 'My lesson',
    seed: 3,
    steps: [{ at: 0, do: 'placeOrder', user: 1001, total: 5, note }],
  };
  await panel.getByLabel('Open a scenario file').setInputFiles({
    name: 'mine.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(good)),
  });
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await expect(panel.getByRole('heading', { name: 'My lesson' })).toBeVisible();
  await expect(panel.getByRole('textbox', { name: 'Scenario seed' })).toHaveValue('3');
  await expect(panel.getByRole('list', { name: 'Scenario steps' })).toContainText(note);
  await expect(panel.locator('img, b')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __owned?: boolean }).__owned)).toBeUndefined();
});
