/**
 * `npm run bench`: measures the engine in Node and prints one JSON object. Every ratio
 * compares numbers measured in this same run (the machines are shared and noisy).
 * - boot: primary + 3 replicas from the snapshot vs 4 sequential fresh PGlite.create()
 * - pipeline: writes captured, shipped and applied on 3 replicas at zero lag vs plain
 *   single-row inserts into one PGlite
 * - hour: wall time of 1 virtual hour with a write every second and a read every 100 ms
 * - memory per node
 * - fuzz: random fault schedules run and checked per second on reused nodes (npm run fuzz's rate)
 * - chromium: the app's production build in headless Chromium (bench/chromium.ts): page
 *   load to a running cluster, frame times under load, memory per node; `{ error }` when
 *   Chromium cannot run. BENCH_CHROMIUM=0 skips it.
 */
import { PGlite } from '@electric-sql/pglite';
import { Cluster } from '../src/engine/index.ts';
import { fuzz } from '../src/fuzz/fuzz.ts';
import { inProcessFactory, loadSnapshot } from '../src/platform/node/nodeFactory.ts';
import { NodePool } from '../src/platform/node/nodePool.ts';
import { benchChromiumSafe } from './chromium.ts';

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

async function benchBoot() {
  // Warm up once so neither side pays for loading the WASM module.
  await (await PGlite.create({ loadDataDir: loadSnapshot() })).close();
  const rssBefore = process.memoryUsage().rss;
  const [cluster, clusterMs] = await time(() => Cluster.boot(inProcessFactory, { seed: 1 }));
  const rssPerNodeMb = mb((process.memoryUsage().rss - rssBefore) / 4);
  await cluster.close();
  const [, naiveMs] = await time(async () => {
    for (let i = 0; i < 4; i++) await (await PGlite.create()).close();
  });
  return {
    clusterReadyMs: round(clusterMs, 0),
    fourFreshCreatesMs: round(naiveMs, 0),
    speedup: round(naiveMs / clusterMs),
    targetSpeedup: 4,
    rssPerNodeMb,
  };
}

async function plainInsertsPerSec(n: number): Promise<number> {
  const pg = await PGlite.create({ loadDataDir: loadSnapshot() });
  const sql =
    'INSERT INTO orders (user_id, total_amount, status, created_at) VALUES ($1, $2, $3, $4) RETURNING order_id';
  await pg.exec('ALTER TABLE orders DISABLE TRIGGER USER');
  for (let i = 0; i < 200; i++) await pg.query(sql, [1001, 10, 'PENDING', '2025-11-17T10:00:00Z']);
  const [, ms] = await time(async () => {
    for (let i = 0; i < n; i++) await pg.query(sql, [1000 + (i % 20), 10, 'PENDING', '2025-11-17T10:00:00Z']);
  });
  await pg.close();
  return (n / ms) * 1000;
}

async function pipelineWritesPerSec(n: number, concurrent: boolean): Promise<number> {
  const cluster = await Cluster.boot(inProcessFactory, { seed: 1, lagMs: 0, jitterMs: 0 });
  const place = (i: number) => cluster.send({ do: 'placeOrder', user: 1000 + (i % 20), total: 10 });
  const run = async (count: number) => {
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      acks.push(place(i));
      // Sequential clients: one write per engine ms; concurrent: all at one instant.
      if (!concurrent) await cluster.clock.advance(1);
    }
    let acked = false;
    void Promise.all(acks).then(() => {
      acked = true;
    });
    await cluster.clock.runWhile(() => !acked);
    if (!(await cluster.drain())) throw new Error('pipeline bench: replication did not drain');
  };
  await run(200);
  const headBefore = cluster.getSnapshot().log.headIndex;
  const [, ms] = await time(() => run(n));
  if (cluster.getSnapshot().log.headIndex - headBefore !== n) throw new Error('pipeline bench: writes missing');
  const { converged } = await cluster.converged();
  await cluster.close();
  if (!converged) throw new Error('pipeline bench: replicas did not converge');
  return (n / ms) * 1000;
}

async function benchHour() {
  const cluster = await Cluster.boot(inProcessFactory, { seed: 1 });
  const hourMs = 3_600_000;
  let writes = 0;
  let reads = 0;
  for (let t = 0; t < hourMs; t += 100) {
    cluster.clock.scheduleAt(t, () => {
      if (t % 1000 === 0) {
        writes++;
        void cluster.send({ do: 'placeOrder', user: 1000 + (writes % 20), total: 10 });
      }
      reads++;
      void cluster.send({ do: 'readOrders', user: 1000 + (reads % 20) });
    });
  }
  const [, ms] = await time(async () => {
    await cluster.clock.runUntil(hourMs);
    await cluster.drain();
  });
  const events = cluster.history.length;
  await cluster.close();
  return { virtualMs: hourMs, writes, reads, historyEvents: events, wallMs: round(ms, 0), targetWallMs: 60_000 };
}

async function benchFuzz(schedules: number) {
  const pool = new NodePool();
  try {
    const [result, ms] = await time(() => fuzz({ schedules, seed: 1, factory: pool.factory, shrinkRuns: 0 }));
    return {
      schedules,
      ok: !result.failure,
      schedulesPerSec: round((result.ran / ms) * 1000),
      msPerSchedule: round(ms / Math.max(1, result.ran), 0),
      nodesBooted: pool.counts.booted,
      nodesReused: pool.counts.reused,
      target: '1,000 schedules in 600 s: 1.67 per second',
    };
  } finally {
    await pool.close();
  }
}

async function main() {
  const n = Number(process.env.BENCH_WRITES ?? 3000);
  log('boot...');
  const boot = await benchBoot();
  log('plain inserts...');
  const plain = await plainInsertsPerSec(n);
  log('pipeline (sequential clients)...');
  const sequential = await pipelineWritesPerSec(n, false);
  log('pipeline (concurrent clients)...');
  const concurrent = await pipelineWritesPerSec(n, true);
  log('one virtual hour...');
  const hour = await benchHour();
  log('fuzz...');
  const fuzzRate = await benchFuzz(Number(process.env.BENCH_FUZZ_SCHEDULES ?? 100));
  log('chromium...');
  const chromium = process.env.BENCH_CHROMIUM === '0' ? { skipped: 'BENCH_CHROMIUM=0' } : await benchChromiumSafe();
  const result = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    boot,
    pipeline: {
      writes: n,
      plainInsertsPerSec: round(plain, 0),
      sequentialWritesPerSec: round(sequential, 0),
      sequentialRatio: round(sequential / plain),
      concurrentWritesPerSec: round(concurrent, 0),
      concurrentRatio: round(concurrent / plain),
      targetRatio: 0.5,
      seedPeakWritesPerSec: 1400,
    },
    hour,
    fuzz: fuzzRate,
    chromium,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

await main();
