/**
 * A probe for issue 15's real-time figures, quicker than the whole Chromium bench: boots the
 * built app in headless Chromium, plays the page's load at 1x and prints one JSON line
 * (engine time per wall second, operations/s, frame p50/p95). Env: W writes/s, R reads/s,
 * MS wall ms (defaults 20, 80, 15,000); PROF=1 writes a main-thread CPU profile to
 * /tmp/prof/main.cpuprofile; TRACE=1 writes a Chrome trace (style, layout, paint) to
 * /tmp/prof/trace.json; HIDE=<css selector> (1 for the body) leaves that part of the page
 * undrawn, to see what drawing it costs; CSS=<rules> adds a style sheet. BENCH_MINIFY=0 keeps function names for reading.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildAndServe, launch, loadApp, measureRealTime, newContext } from './chromium.ts';

const w = Number(process.env.W ?? 20);
const r = Number(process.env.R ?? 80);
const ms = Number(process.env.MS ?? 15000);
const { server, url } = await buildAndServe(4190);
const browser = await launch();
const ctx = await newContext(browser, { viewport: { width: 1280, height: 900 } });
const page = await ctx.newPage();
await loadApp(page, url);
mkdirSync('/tmp/prof', { recursive: true });
const cdp = await ctx.newCDPSession(page);
// The main thread's cumulative times (s), whatever the load on the machine: CPU time and task time by kind.
await cdp.send('Performance.enable');
const metrics = async () => {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
};
// HIDE=<css selector> (1: the whole body) takes a part of the page out of rendering, to see what drawing it costs.
const hide = process.env.HIDE === '1' ? 'body' : process.env.HIDE;
// CSS=<rules> adds a style sheet, to try a drawing change without a rebuild.
if (process.env.CSS) await page.addStyleTag({ content: process.env.CSS });
if (hide) {
  await page.evaluate((selector) => {
    for (const el of document.querySelectorAll<HTMLElement>(selector)) el.style.setProperty('display', 'none');
  }, hide);
}
const before = await metrics();
if (process.env.PROF) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
}
if (process.env.TRACE) {
  await browser.startTracing(page, {
    path: '/tmp/prof/trace.json',
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8'],
  });
}
const res = await measureRealTime(page, w, r, ms);
if (process.env.PROF) {
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync('/tmp/prof/main.cpuprofile', JSON.stringify(profile));
}
if (process.env.TRACE) await browser.stopTracing();
const after = await metrics();
/** ms of the main thread per wall second, by kind. */
const perSec = (name: string) => Math.round(((after[name] - before[name]) * 1000) / (res.wallMs / 1000 + 1));
const f = [...res.frames].sort((a, b) => a - b);
const at = (q: number) => f[Math.min(f.length - 1, Math.floor(f.length * q))];
console.log(
  JSON.stringify({
    load: { w, r },
    enginePerWall: Number((res.engineMs / res.wallMs).toFixed(3)),
    opsPerSec: Math.round((res.ops / res.wallMs) * 1000),
    p50: at(0.5),
    p95: at(0.95),
    // Main-thread CPU per engine second: comparable between runs on a loaded machine.
    cpuMsPerEngineSec: Math.round(perSec('ThreadTime') / (res.engineMs / res.wallMs)),
    mainMsPerSec: {
      cpu: perSec('ThreadTime'),
      task: perSec('TaskDuration'),
      script: perSec('ScriptDuration'),
      style: perSec('RecalcStyleDuration'),
      layout: perSec('LayoutDuration'),
    },
  }),
);
await browser.close();
server.httpServer.close();
process.exit(0);
