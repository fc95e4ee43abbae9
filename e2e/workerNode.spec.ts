import { expect, type Page, test } from '@playwright/test';
import type { BootTimings, Harness } from './fixtures/harness.ts';

declare const window: { harness: Harness };

const INSERT_ORDER = `INSERT INTO orders (user_id, total_amount, created_at) VALUES (1001, 59.9, '2025-11-17T10:00:00Z') RETURNING order_id`;

async function openHarness(page: Page, nodes = 4): Promise<BootTimings> {
  page.on('console', (msg) => console.log(`[page] ${msg.text()}`));
  page.on('pageerror', (err) => console.log(`[page error] ${err.message}`));
  await page.goto(`/e2e/fixtures/worker-harness.html?nodes=${nodes}`);
  return page.evaluate(() => window.harness.ready);
}

function note(type: string, description: string): void {
  test.info().annotations.push({ type, description });
  console.log(`${type}: ${description}`);
}

test('boots 4 worker nodes, replicates a captured write, replicas refuse writes', async ({ page }) => {
  const summary = (t: BootTimings) =>
    `${Math.round(t.nodesReady)} ms (script started ${Math.round(t.scriptStart)} ms, assets ready ${Math.round(t.assetsReady)} ms)`;
  const cold = await openHarness(page);
  note('boot (cold)', `page start to 4 nodes ready: ${summary(cold)}`);
  // Again with warm caches (HTTP cache, dev server transforms): what a returning user sees.
  await page.reload();
  const warm = await page.evaluate(() => window.harness.ready);
  note('boot (warm)', `page start to 4 nodes ready: ${summary(warm)}`);
  // Timings are reported, not asserted: this machine is shared, and `npm run bench` times
  // the boot. Booting from the snapshot is structural (each worker hands PGlite an empty
  // initdb module, so it cannot fall back to initdb); the order reads below show the
  // snapshot's schema and data are there on every node.
  expect(warm.nodesReady).toBeGreaterThan(warm.assetsReady);

  const result = await page.evaluate(async (insert) => {
    const [primary, ...replicas] = window.harness.nodes;
    const written = await primary.write(insert);
    const orderId = written.results[0].rows[0].order_id as number;
    for (const r of replicas) await r.apply(written.txns);
    const read = (n: typeof primary) =>
      n
        .query('SELECT order_id, user_id, total_amount::text AS total, created_at FROM orders WHERE order_id = $1', [
          orderId,
        ])
        .then((q) => q.rows);
    const rows = await Promise.all(window.harness.nodes.map(read));
    const dumps = await Promise.all(window.harness.nodes.map((n) => n.dumpTables().then((d) => JSON.stringify(d))));
    const wal = await primary.walRecords(written.endLsn - 4096, written.txns[0].xid);
    let refused: unknown = null;
    try {
      await replicas[0].write(insert);
    } catch (err) {
      const e = err as Error & { info?: { code?: string }; captured?: unknown };
      refused = { name: e.name, message: e.message, code: e.info?.code, captured: e.captured };
    }
    return { orderId, txns: written.txns, rows, dumpsEqual: new Set(dumps).size === 1, wal, refused };
  }, INSERT_ORDER);

  expect(result.txns).toHaveLength(1);
  expect(result.txns[0].changes).toMatchObject([{ table: 'orders', op: 'INSERT', key: { order_id: result.orderId } }]);
  expect(result.rows).toHaveLength(4);
  for (const rows of result.rows) {
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ order_id: result.orderId, user_id: 1001, total: '59.90' });
    expect(new Date(rows[0].created_at as string).toISOString()).toBe('2025-11-17T10:00:00.000Z');
  }
  expect(result.dumpsEqual).toBe(true);
  expect(result.wal.map((r) => r.recordType)).toContain('COMMIT');
  expect(result.refused).toMatchObject({
    name: 'SqlError',
    message: 'cannot execute INSERT in a read-only transaction',
    code: '25006',
    captured: { txns: [] },
  });

  // Round trips through a worker: reads on a replica, captured writes on the primary.
  const rtt = await page.evaluate(async (insert) => {
    const [primary, replica] = window.harness.nodes;
    const time = async (n: number, f: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await f();
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      const mean = samples.reduce((a, b) => a + b, 0) / n;
      return { mean, p50: samples[n >> 1], p95: samples[Math.floor(n * 0.95)] };
    };
    await time(50, () => replica.query('SELECT 1')); // warm up
    return {
      select1: await time(1000, () => replica.query('SELECT 1')),
      pointRead: await time(500, () => replica.query('SELECT * FROM orders WHERE order_id = $1', [1])),
      write: await time(500, () => primary.write(insert)),
    };
  }, INSERT_ORDER);
  const fmt = (s: { mean: number; p50: number; p95: number }) =>
    `mean ${s.mean.toFixed(2)} ms, p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms`;
  note('rtt query SELECT 1', fmt(rtt.select1));
  note('rtt query point read', fmt(rtt.pointRead));
  note('rtt write (captured INSERT)', fmt(rtt.write));
});

test('requests time out, and close() rejects outstanding requests', async ({ page }) => {
  await openHarness(page, 0);
  const result = await page.evaluate(async () => {
    const { bootWorkerNodes, assets } = window.harness;
    const [node] = await bootWorkerNodes(['primary'], { assets, timeoutMs: 400 });
    type Outcome = { ok: boolean; name?: string; reason?: string; message?: string };
    const outcome = (p: Promise<unknown>): Promise<Outcome> =>
      p.then(
        () => ({ ok: true }),
        (e: Error & { reason?: string }) => ({ ok: false, name: e.name, reason: e.reason, message: e.message }),
      );
    const timedOut = await outcome(node.query('SELECT pg_sleep(0.6)'));
    const afterTimeout = await outcome(node.query('SELECT 1'));
    // close() must not wait for the query in flight: it rejects it at once. Were it to
    // wait, the 0.2 s sleep would answer and `closed` would be ok.
    const slow = outcome(node.query('SELECT pg_sleep(0.2)'));
    await node.close();
    const closed = await slow;
    const afterClose = await outcome(node.query('SELECT 1'));
    return { timedOut, afterTimeout, closed, afterClose };
  });
  expect(result.timedOut).toMatchObject({ ok: false, name: 'WorkerNodeError', reason: 'timeout' });
  expect(result.timedOut.message).toContain('no answer within 400 ms');
  // The worker finishes the slow query, then serves the next request.
  expect(result.afterTimeout).toEqual({ ok: true });
  expect(result.closed).toMatchObject({ ok: false, reason: 'closed' });
  expect(result.afterClose).toMatchObject({ ok: false, reason: 'closed' });
});
