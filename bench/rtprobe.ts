/**
 * A probe for issue 15's real-time figures, quicker than the whole Chromium bench: boots the
 * built app in headless Chromium, plays the page's load at 1x and prints one JSON line
 * (bench/realtime.ts's summary: engine time per wall second, operations/s, frame p50/p95,
 * the main thread's CPU per engine second). Env: W writes/s, R reads/s, MS wall ms (defaults
 * 20, 80, 15,000); PROF=1 writes a main-thread CPU profile to /tmp/prof/main.cpuprofile;
 * TRACE=1 writes a Chrome trace (style, layout, paint) to /tmp/prof/trace.json;
 * HIDE=<css selector> (1 for the body) leaves that part of the page undrawn, to see what
 * drawing it costs; CSS=<rules> adds a style sheet. BENCH_MINIFY=0 keeps function names.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildAndServe, launch, loadApp, newContext } from './chromium.ts';
import { measureRealTime, realTimeSummary } from './realtime.ts';

const load = { writesPerSec: Number(process.env.W ?? 20), readsPerSec: Number(process.env.R ?? 80) };
const ms = Number(process.env.MS ?? 15000);
const { server, url } = await buildAndServe(4190);
const browser = await launch();
const ctx = await newContext(browser, { viewport: { width: 1280, height: 900 } });
const page = await ctx.newPage();
await loadApp(page, url);
mkdirSync('/tmp/prof', { recursive: true });
const hide = process.env.HIDE === '1' ? 'body' : process.env.HIDE;
if (process.env.CSS) await page.addStyleTag({ content: process.env.CSS });
if (hide) {
  await page.evaluate((selector) => {
    for (const el of document.querySelectorAll<HTMLElement>(selector)) el.style.setProperty('display', 'none');
  }, hide);
}
const cdp = await ctx.newCDPSession(page);
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
const res = await measureRealTime(page, load.writesPerSec, load.readsPerSec, ms);
if (process.env.PROF) {
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync('/tmp/prof/main.cpuprofile', JSON.stringify(profile));
}
if (process.env.TRACE) await browser.stopTracing();
const { targetEnginePerWall, targetP95Ms, ...summary } = realTimeSummary(load, res);
const { what, ...mainThread } = summary.mainThread ?? {};
console.log(JSON.stringify({ ...summary, mainThread }));
await browser.close();
server.httpServer.close();
process.exit(0);
