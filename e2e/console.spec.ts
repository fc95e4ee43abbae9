/**
 * The SQL console, pg_stat_replication and the clock's keyboard in Chromium, driven by
 * roles and names: a query on the primary, PostgreSQL's own errors (a write on a replica,
 * bad SQL), the side-by-side mode marking the row a lagging replica has not replayed yet,
 * and `+`/`-` and the hidden tab on the clock.
 */
import type { Page } from '@playwright/test';
import {
  expect,
  openApp,
  openTab,
  pauseClock,
  placeOrderStepped,
  playClock,
  rendered,
  setReplicaLag,
  test,
  writeResult,
} from './helpers.ts';

function sqlConsole(page: Page) {
  return page.getByRole('region', { name: 'SQL console' });
}

/** Types `sql` into the console and runs it on `node` (one-node mode). */
async function runOn(page: Page, node: string, sql: string): Promise<void> {
  const c = sqlConsole(page);
  await c.getByRole('combobox', { name: 'Node' }).selectOption(node);
  await c.getByRole('textbox', { name: 'SQL' }).fill(sql);
  await c.getByRole('button', { name: 'Run' }).click();
}

test('runs SQL on a node and shows PostgreSQL errors as PostgreSQL reports them', async ({ page }) => {
  await openApp(page);
  await openTab(page, 'SQL console');
  const c = sqlConsole(page);
  const output = c.getByRole('region', { name: 'Console output' });

  await runOn(page, 'primary', 'SELECT count(*) FROM orders');
  const counted = output.getByRole('table', { name: 'Result 1 on primary' });
  await expect(counted.getByRole('columnheader', { name: 'count' })).toBeVisible();
  await expect(counted.getByRole('cell')).toHaveText(/^\d+$/);

  // Several statements: several tables; a write on a replica: the read-only error.
  await runOn(page, 'replica-1', 'SELECT 1 AS one; SELECT 2 AS two');
  await expect(output.getByRole('table', { name: 'Result 1 on replica-1' })).toContainText('one');
  await expect(output.getByRole('table', { name: 'Result 2 on replica-1' })).toContainText('two');
  await runOn(page, 'replica-1', 'INSERT INTO orders (user_id, total_amount, created_at) VALUES (1001, 5, now())');
  await expect(output.getByRole('alert')).toContainText(
    'ERROR:  cannot execute INSERT in a read-only transaction (SQLSTATE 25006)',
  );

  // Bad SQL: the syntax error (on a replica with the caret under its position), and the page carries on.
  await runOn(page, 'replica-2', 'SELECT 1;\nSELEC 1');
  const error = output.getByRole('alert');
  await expect(error).toContainText('ERROR:  syntax error at or near "SELEC" (SQLSTATE 42601)');
  await expect(error).toHaveText(/LINE 2: SELEC 1\n {8}\^$/, { useInnerText: true });
  await runOn(page, 'primary', 'SELEC 1');
  await expect(error).toContainText('ERROR:  syntax error at or near "SELEC" (SQLSTATE 42601)');
  await error.screenshot({ path: test.info().outputPath('syntax-error.png') });

  // What was typed is kept per node.
  await c.getByRole('combobox', { name: 'Node' }).selectOption('replica-1');
  await expect(c.getByRole('textbox', { name: 'SQL' })).toHaveValue(/^INSERT INTO orders/);
  await c.getByRole('combobox', { name: 'Node' }).selectOption('primary');
  await expect(c.getByRole('textbox', { name: 'SQL' })).toHaveValue('SELEC 1');
  expect(await page.evaluate(() => localStorage.getItem('replica-lab.sql.primary'))).toBe('SELEC 1');

  // Ctrl+Enter runs it too.
  await c.getByRole('textbox', { name: 'SQL' }).fill('SELECT 40 + 2 AS answer');
  await c.getByRole('textbox', { name: 'SQL' }).press('Control+Enter');
  await expect(output.getByRole('table', { name: 'Result 1 on primary' })).toContainText('42');

  // pg_stat_replication lists every standby.
  await openTab(page, 'Nodes');
  const stat = page.getByRole('table', { name: 'pg_stat_replication' });
  for (const node of ['replica-1', 'replica-2', 'replica-3']) {
    await expect(stat.getByRole('row', { name: new RegExp(`^${node} streaming`) })).toBeVisible();
  }
  await stat.screenshot({ path: test.info().outputPath('stat-replication.png') });
  await openTab(page, 'SQL console');
  await c.screenshot({ path: test.info().outputPath('console.png') });
});

test('side by side marks the order a lagging replica has not replayed', async ({ page }) => {
  await openApp(page);
  await setReplicaLag(page, 5000, ['replica-1']);
  // Paused: replica-1 cannot replay the order before the console compares (the console runs while paused).
  await pauseClock(page);
  const orderId = await placeOrderStepped(page);
  await expect(writeResult(page)).toContainText('committed on primary');

  await openTab(page, 'SQL console');
  const c = sqlConsole(page);
  await c.getByRole('radio', { name: 'Side by side' }).check();
  await c.getByRole('combobox', { name: 'Compare primary with' }).selectOption('replica-1');
  await c.getByRole('textbox', { name: 'SQL' }).fill('SELECT order_id, user_id FROM orders ORDER BY order_id');
  await c.getByRole('button', { name: 'Run' }).click();
  const output = c.getByRole('region', { name: 'Console output' });
  const onPrimary = output.getByRole('table', { name: 'Result 1 on primary' });
  const onReplica = output.getByRole('table', { name: 'Result 1 on replica-1' });
  const marked = onPrimary.getByRole('row', { name: new RegExp(`^only on primary ${orderId} 1001$`) });
  await expect(marked).toBeVisible();
  await expect(marked).toHaveClass(/sql-only-here/);
  await expect(onPrimary.locator('.sql-only-here')).toHaveCount(1);
  await expect(onReplica.getByRole('row', { name: new RegExp(`^\\s*${orderId} 1001$`) })).toHaveCount(0);
  await expect(onReplica.locator('.sql-only-here')).toHaveCount(0);
  await expect(output).toContainText('1 not on replica-1');
  await c.screenshot({ path: test.info().outputPath('side-by-side.png') });
});

test('+ and - change the speed, and hiding the tab pauses the clock', async ({ page }) => {
  await openApp(page);
  await openTab(page, 'SQL console');
  const speed = page.getByRole('combobox', { name: 'Speed' });
  await expect(speed).toHaveValue('1');
  await page.getByRole('heading', { name: 'Replica Lab', level: 1 }).click();
  await page.keyboard.press('+');
  await expect(speed).toHaveValue('2');
  await page.keyboard.press('=');
  await expect(speed).toHaveValue('4');
  await page.keyboard.press('-');
  await expect(speed).toHaveValue('2');
  // Typing in the console is text, not a shortcut.
  const text = sqlConsole(page).getByRole('textbox', { name: 'SQL' });
  await text.fill('SELECT 1');
  await text.press('+');
  await expect(text).toHaveValue('SELECT 1+');
  await expect(speed).toHaveValue('2');

  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Paused while the tab was hidden' })).toBeVisible();
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  // It does not resume by itself (the engine's driver stays paused, drawn); playing again clears the notice.
  await rendered(page);
  expect(await page.evaluate(() => window.replicaLab?.driver.getState().paused)).toBe(true);
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await playClock(page);
  await expect(page.getByText('Paused while the tab was hidden')).toHaveCount(0);
});
