/**
 * The Chromium part of `npm run bench`: builds the app, serves it with `vite preview` and
 * drives it in headless Chromium through the page's automation hook (src/page/automation.ts).
 * - boot: navigation start to a running primary + 3 replicas (the page's own readyAtMs),
 *   median of fresh contexts (cold: empty HTTP cache) and of reloads in them (warm)
 * - frames: requestAnimationFrame deltas at 1x with ~500 transactions on the replication
 *   links and >= 10,000 operations in the history (the timeline's data)
 * - memory per node, as each node's worker measures it
 * - real time (bench/realtime.ts): engine time per wall second at 1x, frame times and the main
 *   thread's CPU under the page's default load (20 writes/s + 80 reads/s) and at 1,000
 *   operations/s, each on a fresh page; then the ladder: the highest load held in real time
 * - page soak (bench/pageSoak.ts): the main thread's JS heap over 10 engine minutes of the default load
 * Run alone with `tsx bench/chromium.ts` (BENCH_LOADS, BENCH_OPS, BENCH_FRAME_MS, BENCH_REALTIME_MS,
 * BENCH_LADDER_MS, BENCH_PAGE_SOAK_MIN override the defaults 5, 10,000, 5,000, 15,000, 8,000 and 10;
 * a ladder or soak of 0 is skipped); logs go to stderr, the JSON to stdout. Filling the history
 * runs engine time as fast as the nodes answer: about 100 s on this machine when it is quiet.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from '@playwright/test';
import { build, createLogger, type PreviewServer, preview } from 'vite';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/chromium.ts';
import { benchPageSoak } from './pageSoak.ts';
import { benchRealTime, FRAME_TARGET_MS, log, type OpenPage, quantile, realTimeLadder, round } from './realtime.ts';

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

export interface ChromiumBenchOptions {
  /** First port to try for `vite preview` (4173-4175 belong to Playwright runs). */
  port?: number;
  /** Fresh page loads for the boot time. */
  loads?: number;
  /** Operations (write/read invocations) to put in the history before measuring frames. */
  ops?: number;
  /** Transactions to keep on the replication links while measuring frames. */
  inFlight?: number;
  /** How long to record frames. */
  frameMs?: number;
  /** How long to measure real time under each load. */
  realTimeMs?: number;
  /** How long each rung of the real-time ladder runs (0 skips the ladder). */
  ladderMs?: number;
  /** Engine minutes of the default load for the page's memory soak (0 skips it). */
  soakMinutes?: number;
}

const BOOT_TARGET_MS = 1000;
const median = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 50; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}-${from + 49}`);
}

/** Vite's output goes to stderr: stdout carries only the bench's JSON. */
function stderrLogger() {
  const logger = createLogger('warn');
  logger.warn = (msg) => log(msg);
  logger.warnOnce = (msg) => log(msg);
  logger.error = (msg) => log(msg);
  return logger;
}

export async function buildAndServe(port: number): Promise<{ server: PreviewServer; url: string; outDir: string }> {
  // Its own output dir: `dist/` may be someone else's build.
  const outDir = join(tmpdir(), `replica-lab-bench-${process.pid}`);
  log(`chromium: vite build -> ${outDir}`);
  // BENCH_MINIFY=0 keeps function names, for reading a profile.
  const minify = process.env.BENCH_MINIFY !== '0';
  await build({ logLevel: 'error', customLogger: stderrLogger(), build: { outDir, emptyOutDir: true, minify } });
  const server = await preview({
    logLevel: 'warn',
    customLogger: stderrLogger(),
    build: { outDir },
    preview: { port: await freePort(port), strictPort: true, host: '127.0.0.1', open: false },
  });
  const root = server.resolvedUrls?.local[0];
  if (!root) throw new Error('vite preview did not report its URL');
  // The lab itself (free play), not the start page: frame times are measured with its panels drawn.
  const url = `${root}#sandbox`;
  return { server, url, outDir };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumExecutable(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A context whose pages accept functions compiled by tsx: esbuild wraps named functions in
 * `__name(...)`, which page.evaluate would otherwise not find in the page.
 */
export async function newContext(browser: Browser, options?: Parameters<Browser['newContext']>[0]) {
  const context = await browser.newContext(options);
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  return context;
}

interface BootSample {
  readyAtMs: number;
  /** The page's `replica-lab:` measures: ms from navigation start to each step's end. */
  steps: Record<string, number>;
}

/** Loads (or reloads) the app and waits for the cluster; readyAtMs is the page's own number. */
export async function loadApp(page: Page, url: string, reload = false): Promise<BootSample> {
  const errors: string[] = [];
  const onError = (e: Error) => errors.push(e.message);
  page.on('pageerror', onError);
  try {
    if (reload) await page.reload({ waitUntil: 'commit' });
    else await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.replicaLab !== undefined, undefined, { timeout: 60_000, polling: 50 });
    return await page.evaluate(() => {
      const steps: Record<string, number> = {};
      for (const m of performance.getEntriesByType('measure')) {
        if (m.name.startsWith('replica-lab:')) steps[m.name.slice(12)] = Math.round(m.startTime + m.duration);
      }
      const detail = performance
        .getEntriesByType('measure')
        .filter((m) => m.name.startsWith('replica-lab:boot '))
        .map((m) => (m as PerformanceMeasure).detail as { pgliteMs?: number; openMs?: number } | undefined);
      const avg = (xs: (number | undefined)[]) => {
        const ok = xs.filter((x): x is number => x !== undefined);
        return ok.length ? Math.round(ok.reduce((a, b) => a + b, 0) / ok.length) : -1;
      };
      steps['worker: PGlite.create (avg ms)'] = avg(detail.map((d) => d?.pgliteMs));
      steps['worker: NodeCore.open (avg ms)'] = avg(detail.map((d) => d?.openMs));
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      if (nav) steps.domContentLoaded = Math.round(nav.domContentLoadedEventEnd);
      const lab = window.replicaLab;
      if (!lab) throw new Error('no lab');
      return { readyAtMs: lab.readyAtMs, steps };
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
  } finally {
    page.off('pageerror', onError);
  }
}

export async function benchBoot(browser: Browser, url: string, loads: number) {
  const cold: BootSample[] = [];
  const warm: BootSample[] = [];
  for (let i = 0; i < loads; i++) {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      cold.push(await loadApp(page, url));
      warm.push(await loadApp(page, url, true));
      log(
        `chromium: boot ${i + 1}/${loads}: cold ${Math.round(cold[i].readyAtMs)} ms, warm ${Math.round(warm[i].readyAtMs)} ms`,
      );
    } finally {
      await context.close();
    }
  }
  const summary = (samples: BootSample[]) => ({
    medianMs: Math.round(median(samples.map((s) => s.readyAtMs))),
    samplesMs: samples.map((s) => Math.round(s.readyAtMs)),
  });
  // The breakdown of the median cold load (ms after navigation start when each step ended).
  const byTime = [...cold].sort((a, b) => a.readyAtMs - b.readyAtMs);
  return {
    what: 'ms from navigation start to a running primary + 3 replicas (the page records it as readyAtMs)',
    cold: summary(cold),
    warm: summary(warm),
    targetMs: BOOT_TARGET_MS,
    medianColdSteps: byTime[Math.floor((byTime.length - 1) / 2)]?.steps,
  };
}

/** What filling the history took. */
interface FillResult {
  ops: number;
  wallMs: number;
  engineMs: number;
}

export async function fillHistory(page: Page, ops: number): Promise<FillResult> {
  return page.evaluate(async (target) => {
    const lab = window.replicaLab;
    if (!lab) throw new Error('no lab');
    const { cluster, driver } = lab;
    const countOps = () => {
      let n = 0;
      for (const e of cluster.history.all()) if (e.type === 'write.invoke' || e.type === 'read.invoke') n++;
      return n;
    };
    driver.pause();
    const started = performance.now();
    const engineStart = cluster.clock.now();
    // Runs engine time as fast as the nodes answer; a command waits for the clock to run it.
    const load = cluster.send({ do: 'startLoad', writesPerSec: 200, readsPerSec: 800, users: 20 });
    let n = countOps();
    while (n < target) {
      await cluster.clock.runUntil(cluster.clock.now() + Math.max(100, Math.min(2000, (target - n) / 1.2)));
      n = countOps();
    }
    await load;
    const stop = cluster.send({ do: 'stopLoad' });
    await cluster.clock.runUntil(cluster.clock.now() + 1000);
    await stop;
    // Replicas apply the fill's backlog now, so that only the measured load is on the links.
    if (!(await cluster.drain())) throw new Error('replication did not drain after filling the history');
    return { ops: countOps(), wallMs: performance.now() - started, engineMs: cluster.clock.now() - engineStart };
  }, ops);
}

interface FrameResult {
  frames: number[];
  inFlight: number[];
  queued: number[];
  ops: number;
  lagMs: number;
}

export async function measureFrames(page: Page, inFlight: number, frameMs: number): Promise<FrameResult> {
  return page.evaluate(
    async ({ inFlight, frameMs }) => {
      const lab = window.replicaLab;
      if (!lab) throw new Error('no lab');
      const { cluster, driver } = lab;
      const replicas = cluster.readReplicaNames();
      // Each link holds writesPerSec * lag of the newest transactions: the slider's longest
      // lag (10 s) and just enough writes for the target, so the frames measure drawing
      // 500 moving entries rather than the nodes' work for a heavy load.
      const lagMs = 10_000;
      const writesPerSec = inFlight / replicas.length / (lagMs / 1000);
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      driver.setSpeed(1);
      driver.play();
      await Promise.all([
        cluster.send({ do: 'startLoad', writesPerSec, readsPerSec: 10, users: 20 }),
        ...replicas.map((r) => cluster.send({ do: 'setLag', node: r, ms: lagMs })),
      ]);
      // Fill the links: a lag's worth of writes, then some.
      await sleep(lagMs + 1500);
      const counts = { inFlight: [] as number[], queued: [] as number[] };
      const sampler = setInterval(() => {
        const s = cluster.shipments();
        counts.inFlight.push(s.filter((x) => x.stage === 'in-flight').length);
        counts.queued.push(s.filter((x) => x.stage === 'queued').length);
      }, 250);
      const frames = await new Promise<number[]>((resolve) => {
        const deltas: number[] = [];
        let last: number | undefined;
        const end = performance.now() + frameMs;
        const tick = (t: number) => {
          if (last !== undefined) deltas.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(tick);
          else resolve(deltas);
        };
        requestAnimationFrame(tick);
      });
      clearInterval(sampler);
      let ops = 0;
      for (const e of cluster.history.all()) if (e.type === 'write.invoke' || e.type === 'read.invoke') ops++;
      await cluster.send({ do: 'stopLoad' });
      return { frames, ...counts, ops, lagMs };
    },
    { inFlight, frameMs },
  );
}

function frameSummary(r: FrameResult, fill: FillResult) {
  const sorted = [...r.frames].sort((a, b) => a - b);
  const avg = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0);
  return {
    what: 'requestAnimationFrame deltas at 1x with 10 s of lag on every replica link and ~17 writes/s + 10 reads/s, which keeps the in-flight target on the links',
    frames: sorted.length,
    p50Ms: round(quantile(sorted, 0.5)),
    p95Ms: round(quantile(sorted, 0.95)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
    over16_7ms: sorted.filter((d) => d > FRAME_TARGET_MS + 0.5).length,
    targetP95Ms: FRAME_TARGET_MS,
    inFlight: {
      meanOnLinks: avg(r.inFlight),
      minOnLinks: Math.min(...r.inFlight),
      meanQueuedOnReplicas: avg(r.queued),
      replicaLagMs: r.lagMs,
    },
    operationsInHistory: r.ops,
    fill: { ops: fill.ops, wallMs: Math.round(fill.wallMs), engineMs: Math.round(fill.engineMs) },
  };
}

async function nodeMemory(page: Page) {
  const nodes = await page.evaluate(() => {
    const nodes = window.replicaLabNodes;
    if (!nodes) throw new Error('no replicaLabNodes hook');
    return nodes.memory();
  });
  return nodes.map((n) => ({
    name: n.name,
    wasmMb: mb(n.wasmBytes),
    fsMb: mb(n.fsBytes),
    ...(n.jsHeapBytes === undefined ? {} : { jsHeapMb: mb(n.jsHeapBytes) }),
  }));
}

/** Resident memory (VmRSS) of the browser's renderer processes; undefined off Linux. */
async function rendererRssBytes(browser: Browser): Promise<number | undefined> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo' as never)) as {
      processInfo: { type: string; id: number }[];
    };
    let total = 0;
    for (const p of processInfo.filter((p) => p.type === 'renderer')) {
      const status = readFileSync(`/proc/${p.id}/status`, 'utf8');
      total += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) * 1024;
    }
    return Number.isFinite(total) ? total : undefined;
  } catch {
    return undefined;
  } finally {
    await cdp.detach();
  }
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The page without its nodes: the app with the snapshot's download refused, so the boot
 * fails and its workers are terminated. Renderer RSS of that page is the baseline.
 */
async function rssWithoutNodes(browser: Browser, url: string): Promise<number | undefined> {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.route('**/snapshot/cluster.tar', (route) => route.abort());
    const failed = page.waitForEvent('console', { predicate: (m) => m.type() === 'error', timeout: 60_000 });
    await page.goto(url);
    await failed;
    await settle(2000);
    return await rendererRssBytes(browser);
  } finally {
    await context.close();
  }
}

export async function benchChromium(options: ChromiumBenchOptions = {}) {
  const {
    port = 4190,
    loads = 5,
    ops = 10_000,
    inFlight = 500,
    frameMs = 5000,
    realTimeMs = 15_000,
    ladderMs = 8000,
    soakMinutes = 10,
  } = options;
  const { server, url, outDir } = await buildAndServe(port);
  let browser: Browser | undefined;
  try {
    browser = await launch();
    log(`chromium: ${browser.version()} at ${url}`);
    const boot = await benchBoot(browser, url, loads);
    const rssBase = await rssWithoutNodes(browser, url);
    const context = await newContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await loadApp(page, url);
    await settle(2000);
    const rssBooted = await rendererRssBytes(browser);
    const memoryAtBoot = await nodeMemory(page);
    log(`chromium: filling the history to ${ops} operations...`);
    const fill = await fillHistory(page, ops);
    log(`chromium: ${fill.ops} operations in ${Math.round(fill.wallMs)} ms; measuring frames...`);
    const frames = frameSummary(await measureFrames(page, inFlight, frameMs), fill);
    const memoryLoaded = await nodeMemory(page);
    const rssLoaded = await rendererRssBytes(browser);
    await context.close();
    const openPage: OpenPage = async () => {
      const context = await newContext(browser as Browser, { viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await loadApp(page, url);
      return { page, close: () => context.close() };
    };
    const realTime = await benchRealTime(openPage, realTimeMs);
    const ladder = ladderMs > 0 ? await realTimeLadder(openPage, ladderMs) : { skipped: 'BENCH_LADDER_MS=0' };
    const pageSoak =
      soakMinutes > 0 ? await benchPageSoak(openPage, soakMinutes) : { skipped: 'BENCH_PAGE_SOAK_MIN=0' };
    const nodes = memoryAtBoot.length;
    const rssPerNode = (rss: number | undefined) =>
      rss === undefined || rssBase === undefined ? undefined : mb((rss - rssBase) / nodes);
    const perNode = (xs: { wasmMb: number; fsMb: number; jsHeapMb?: number }[]) => ({
      wasmMb: median(xs.map((x) => x.wasmMb)),
      fsMb: median(xs.map((x) => x.fsMb)),
      totalMb: median(xs.map((x) => round(x.wasmMb + x.fsMb + (x.jsHeapMb ?? 0)))),
    });
    return {
      browser: browser.version(),
      boot,
      frames,
      realTime: { ...realTime, ladder },
      pageSoak,
      memoryPerNode: {
        what: "rssMb: growth of the renderer's resident memory (VmRSS) over the same page whose boot failed, divided by the nodes: what a node really costs. Each node's worker also reports: wasm = PGlite's WebAssembly linear memory (reserved size, not all resident); fs = bytes of files in its in-memory file system (data dir + Postgres install tree, held outside the wasm heap)",
        rssMb: { atBoot: rssPerNode(rssBooted), afterFrames: rssPerNode(rssLoaded) },
        rendererRssMb: {
          withoutNodes: rssBase === undefined ? undefined : mb(rssBase),
          atBoot: rssBooted === undefined ? undefined : mb(rssBooted),
          afterFrames: rssLoaded === undefined ? undefined : mb(rssLoaded),
        },
        atBoot: { median: perNode(memoryAtBoot), nodes: memoryAtBoot },
        afterFrames: { median: perNode(memoryLoaded), nodes: memoryLoaded },
      },
    };
  } finally {
    await browser?.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** For `npm run bench`: never throws; a Chromium that cannot run gives `{ error }`. */
export async function benchChromiumSafe(options?: ChromiumBenchOptions) {
  try {
    return await benchChromium(options);
  } catch (err) {
    log(`chromium: ${(err as Error).stack ?? String(err)}`);
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  const result = await benchChromiumSafe({
    loads: env('BENCH_LOADS'),
    ops: env('BENCH_OPS'),
    frameMs: env('BENCH_FRAME_MS'),
    realTimeMs: env('BENCH_REALTIME_MS'),
    ladderMs: env('BENCH_LADDER_MS'),
    soakMinutes: env('BENCH_PAGE_SOAK_MIN'),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
