/**
 * `npm run bench`: measures the engine in Node and prints one JSON object. Every ratio
 * compares numbers measured in this same run (the machines are shared and noisy).
 * - boot: primary + 3 replicas from the snapshot vs 4 sequential fresh PGlite.create()
 * - pipeline: writes captured, shipped and applied on 3 replicas at zero lag vs plain
 *   single-row inserts into one PGlite
 * - hour: wall time of 1 virtual hour with a write every second and a read every 100 ms
 * - defaultLoad: the load generator's default (20 writes/s + 80 reads/s) for BENCH_DEFAULT_LOAD_S
 *   virtual seconds (60), projected to a virtual hour (target: 5 s wall)
 * - soak: BENCH_SOAK_MIN virtual minutes (30) at 5 writes/s + 20 reads/s with a bounded history:
 *   the growth of the history kept, the retained log, the JS heap and the process RSS
 * - floors (bench/floors.ts): PGlite alone, cold creates and single statements: the floors under
 *   the cold-load and headless-hour targets
 * - targets: every figure beside its target (also printed to stderr as a table)
 * - memory per node
 * - fuzz: random fault schedules run and checked per second on reused nodes (npm run fuzz's rate)
 * - reshard: a live move on real shards (bench/reshard.ts): rows moved per wall second, the write pause
 * - chromium: the app's production build in headless Chromium (bench/chromium.ts): page
 *   load to a running cluster, frame times under load, memory per node; `{ error }` when
 *   Chromium cannot run. BENCH_CHROMIUM=0 skips it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PGlite } from '@electric-sql/pglite';
import { Cluster } from '../src/engine/index.ts';
import { fuzz } from '../src/fuzz/fuzz.ts';
import { inProcessFactory, loadSnapshot } from '../src/platform/node/nodeFactory.ts';
import { NodePool } from '../src/platform/node/nodePool.ts';
import { benchChromiumSafe } from './chromium.ts';
import { benchFloors } from './floors.ts';
import { benchReshard } from './reshard.ts';

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
// A full collection before each soak sample, so the heap figure is what is live, not garbage.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

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

async function benchHour(hourMs: number) {
  const cluster = await Cluster.boot(inProcessFactory, { seed: 1 });
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
  return {
    virtualMs: hourMs,
    writes,
    reads,
    historyEvents: events,
    wallMs: round(ms, 0),
    projectedHourWallMs: round((ms * 3_600_000) / hourMs, 0),
    targetWallMs: 60_000,
  };
}

/** Runs `virtualMs` of the load generator's default load (what the page's "Start load" sends). */
async function benchDefaultLoad(virtualMs: number) {
  const cluster = await Cluster.boot(inProcessFactory, { seed: 1 });
  void cluster.send({ do: 'startLoad' });
  const cpu = process.cpuUsage();
  const [, ms] = await time(() => cluster.clock.runUntil(virtualMs));
  const used = process.cpuUsage(cpu);
  let ops = 0;
  for (const e of cluster.history.all()) if (e.type === 'write.invoke' || e.type === 'read.invoke') ops++;
  const events = cluster.history.length;
  await cluster.close();
  return {
    what: 'the default load (20 writes/s + 80 reads/s), run as fast as the nodes answer; projected to one virtual hour',
    virtualMs,
    operations: ops,
    historyEvents: events,
    wallMs: round(ms, 0),
    cpuMs: round((used.user + used.system) / 1000, 0),
    virtualPerWall: round(virtualMs / ms),
    projectedHourWallMs: round((ms * 3_600_000) / virtualMs, 0),
    targetHourWallMs: 5000,
  };
}

/**
 * Issue 13's soak: a steady load every replica keeps up with, for `minutes` of virtual time,
 * the history bounded as a long-running page would bound it. Samples every 5 virtual minutes;
 * growth is measured from the third of the run (after warm-up) to its end.
 */
async function benchSoak(minutes: number, historyLimit: number) {
  const cluster = await Cluster.boot(inProcessFactory, { seed: 1 });
  cluster.history.keepAtMost(historyLimit);
  void cluster.send({ do: 'startLoad', writesPerSec: 5, readsPerSec: 20 });
  const samples: {
    minute: number;
    historyRecorded: number;
    historyKept: number;
    logRetained: number;
    heapMb: number;
    rssMb: number;
  }[] = [];
  const step = Math.max(1, Math.floor(minutes / 6));
  const [, ms] = await time(async () => {
    for (let minute = step; minute <= minutes; minute += step) {
      await cluster.clock.runUntil(minute * 60_000);
      gc();
      const mem = process.memoryUsage();
      samples.push({
        minute,
        historyRecorded: cluster.history.length,
        historyKept: cluster.history.all().length,
        logRetained: cluster.getSnapshot().log.retainedEntries,
        heapMb: mb(mem.heapUsed),
        rssMb: mb(mem.rss),
      });
    }
  });
  await cluster.close();
  const from = samples[Math.floor(samples.length / 3)] ?? samples[0];
  const to = samples.at(-1) ?? from;
  const growth = (k: 'historyKept' | 'logRetained' | 'heapMb' | 'rssMb') => round(to[k] - from[k], 1);
  return {
    what: `${minutes} virtual minutes at 5 writes/s + 20 reads/s, history bounded to ${historyLimit} events; growth from minute ${from.minute} to ${to.minute}`,
    wallMs: round(ms, 0),
    historyKeptPerBound: round(Math.max(...samples.map((x) => x.historyKept)) / historyLimit),
    samples,
    growth: {
      historyKept: growth('historyKept'),
      logRetained: growth('logRetained'),
      heapMb: growth('heapMb'),
      rssMb: growth('rssMb'),
      historyRecorded: to.historyRecorded - from.historyRecorded,
    },
    target: 'flat: history kept <= 1.25 x its bound, retained log and memory not growing with time',
  };
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

/** Median, min and max of a list (a ratio from interleaved repeats, with its spread). */
function spread(xs: number[]) {
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    median: round(sorted[Math.floor((sorted.length - 1) / 2)]),
    min: round(sorted[0]),
    max: round(sorted.at(-1) ?? 0),
  };
}

/**
 * The pipeline against raw inserts, interleaved: each round measures plain inserts, then
 * sequential and concurrent clients, so a drift of the machine's speed hits both sides of
 * each ratio alike; the ratios are per round, quoted as median and spread.
 */
async function benchPipeline(n: number, rounds: number) {
  const per = Math.max(100, Math.round(n / rounds));
  const plain: number[] = [];
  const sequential: number[] = [];
  const concurrent: number[] = [];
  for (let r = 0; r < rounds; r++) {
    log(`pipeline round ${r + 1}/${rounds}...`);
    plain.push(await plainInsertsPerSec(per));
    sequential.push(await pipelineWritesPerSec(per, false));
    concurrent.push(await pipelineWritesPerSec(per, true));
  }
  return {
    writesPerRound: per,
    rounds,
    plainInsertsPerSec: spread(plain).median,
    sequentialWritesPerSec: spread(sequential).median,
    concurrentWritesPerSec: spread(concurrent).median,
    sequentialRatio: spread(sequential.map((x, i) => x / plain[i])),
    concurrentRatio: spread(concurrent.map((x, i) => x / plain[i])),
    targetRatio: 0.5,
    seedPeakWritesPerSec: 1400,
  };
}

interface TargetRow {
  figure: string;
  value: number | string | undefined;
  target: string;
  met: boolean | undefined;
}

/** Every figure beside its target (issue 15: "a bench that can steer"). */
function targetTable(r: {
  boot: Awaited<ReturnType<typeof benchBoot>>;
  pipeline: Awaited<ReturnType<typeof benchPipeline>>;
  defaultLoad: Awaited<ReturnType<typeof benchDefaultLoad>>;
  soak: Awaited<ReturnType<typeof benchSoak>>;
  hour: Awaited<ReturnType<typeof benchHour>>;
  fuzz: Awaited<ReturnType<typeof benchFuzz>>;
  floors: Awaited<ReturnType<typeof benchFloors>>;
  chromium: unknown;
}): TargetRow[] {
  const at = (o: unknown, path: string): unknown =>
    path
      .split('.')
      .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const max = (figure: string, value: unknown, target: number, unit = '') => ({
    figure,
    value: num(value),
    target: `<= ${target}${unit}`,
    met: num(value) === undefined ? undefined : (num(value) as number) <= target,
  });
  const min = (figure: string, value: unknown, target: number, unit = '') => ({
    figure,
    value: num(value),
    target: `>= ${target}${unit}`,
    met: num(value) === undefined ? undefined : (num(value) as number) >= target,
  });
  const c = r.chromium;
  return [
    max('headless: one virtual hour of the default load, projected (ms wall)', r.defaultLoad.projectedHourWallMs, 5000),
    max(
      "floor, PGlite alone: that hour's 288,000 reads as SELECT 1 (ms wall)",
      r.floors.statements.hourReadsAsSelect1S * 1000,
      5000,
    ),
    max('headless: one virtual hour of light load (ms wall)', r.hour.projectedHourWallMs, r.hour.targetWallMs),
    min('boot: 4 fresh creates / cluster from snapshot (x)', r.boot.speedup, r.boot.targetSpeedup),
    min('pipeline: sequential / plain inserts (median of rounds)', r.pipeline.sequentialRatio.median, 0.5),
    min('pipeline: concurrent / plain inserts (median of rounds)', r.pipeline.concurrentRatio.median, 0.5),
    max('soak: most history events kept / its bound', r.soak.historyKeptPerBound, 1.25),
    max('soak: retained log growth (entries)', r.soak.growth.logRetained, 50),
    max('soak: JS heap growth (MB)', r.soak.growth.heapMb, 10),
    max('soak: process RSS growth (MB)', r.soak.growth.rssMb, 40),
    min('fuzz: schedules per second', r.fuzz.schedulesPerSec, 1.67),
    max('chromium: cold page load to 4 nodes ready (ms)', at(c, 'boot.cold.medianMs'), 1000),
    max('floor, PGlite alone: 4 cold node boots on this machine (ms)', r.floors.boot.fourNodesFloorMs, 1000),
    max('chromium: frame p95 at 1x under the frame test (ms)', at(c, 'frames.p95Ms'), 16.7),
    min('chromium: engine/wall at 1x, default load', at(c, 'realTime.default.enginePerWall'), 0.98),
    max('chromium: frame p95 at 1x, default load (ms)', at(c, 'realTime.default.p95Ms'), 16.7),
    min('chromium: engine/wall at 1x, 1,000 ops/s', at(c, 'realTime.target.enginePerWall'), 0.98),
    max('chromium: frame p95 at 1x, 1,000 ops/s (ms)', at(c, 'realTime.target.p95Ms'), 16.7),
    max('chromium: node RSS after the frame test (MB)', at(c, 'memoryPerNode.rssMb.afterFrames'), 120),
    max(
      'chromium: page JS heap growth, 2nd half of 10 engine min of default load (MB)',
      at(c, 'pageSoak.growth.heapMb'),
      5,
    ),
  ];
}

async function main() {
  const n = Number(process.env.BENCH_WRITES ?? 3000);
  log('floors (PGlite alone: cold creates in fresh processes, statements)...');
  const floors = await benchFloors();
  log('boot...');
  const boot = await benchBoot();
  log('pipeline (plain inserts, sequential and concurrent clients, interleaved)...');
  const pipeline = await benchPipeline(n, Number(process.env.BENCH_ROUNDS ?? 3));
  log('default load...');
  const defaultLoad = await benchDefaultLoad(Number(process.env.BENCH_DEFAULT_LOAD_S ?? 60) * 1000);
  log('one virtual hour...');
  const hour = await benchHour(Number(process.env.BENCH_HOUR_MS ?? 3_600_000));
  log('soak...');
  const soak = await benchSoak(Number(process.env.BENCH_SOAK_MIN ?? 30), 20_000);
  log('fuzz...');
  const fuzzRate = await benchFuzz(Number(process.env.BENCH_FUZZ_SCHEDULES ?? 100));
  log('reshard (a live move on real shards)...');
  const reshard = await benchReshard(inProcessFactory);
  log('chromium...');
  const chromium = process.env.BENCH_CHROMIUM === '0' ? { skipped: 'BENCH_CHROMIUM=0' } : await benchChromiumSafe();
  const targets = targetTable({ boot, pipeline, defaultLoad, soak, hour, fuzz: fuzzRate, floors, chromium });
  for (const t of targets) {
    const verdict = t.met === undefined ? 'n/a ' : t.met ? 'MET ' : 'MISS';
    log(`${verdict} ${t.figure}: ${t.value ?? '-'} (target ${t.target})`);
  }
  const result = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    targets,
    floors,
    boot,
    pipeline,
    defaultLoad,
    hour,
    soak,
    fuzz: fuzzRate,
    reshard,
    chromium,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

await main();
