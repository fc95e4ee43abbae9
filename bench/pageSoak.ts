/**
 * Issue 15's memory target in the page: the default load (20 writes/s + 80 reads/s) for
 * `minutes` of engine time in free play (history bounded as the page bounds it), sampling the
 * main thread's JS heap after a forced collection, the DOM's size and the history kept at
 * every engine minute. The clock runs at the driver's top speed so ten engine minutes take a
 * couple of wall minutes: what grows with engine events (history, read statistics, timeline,
 * log) grows as it would in ten wall minutes at 1x; fewer frames are drawn.
 */
import type { OpenPage } from './realtime.ts';
import { log, round } from './realtime.ts';

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

interface Sample {
  minute: number;
  wallS: number;
  heapMb: number;
  domNodes: number;
  listeners: number;
  historyKept: number;
  /**
   * Mean order ids in the kept history's "my orders" answers: the shop has 20 users and the
   * default load places 20 orders a second, so each answer grows by about one id a second.
   */
  orderIdsPerRead: number;
  /** All the order ids in those answers: what the history's bound weighs besides its events. */
  orderIdsKept: number;
  /**
   * Log entries the primary retains (not yet replayed by every replica) and the most any
   * replica has queued: at this load the analytics replica's queries hold its replay 200 ms
   * each, 13.6 a second, so it replays nothing and the log keeps every entry (a replication
   * slot's retention): the growth that remains.
   */
  logRetained: number;
  mostQueued: number;
  /** How far behind the furthest replica is (engine s). */
  mostBehindS: number;
}

export async function benchPageSoak(open: OpenPage, minutes: number) {
  const { page, close } = await open();
  const cdp = await page.context().newCDPSession(page);
  try {
    const sample = async (minute: number, wallS: number): Promise<Sample> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const dom = await cdp.send('Memory.getDOMCounters');
      const kept = await page.evaluate(() => {
        const events = window.replicaLab?.cluster.history.all() ?? [];
        let reads = 0;
        let ids = 0;
        for (const e of events) {
          if (e.type !== 'read.ok' || e.orderIds.length === 0) continue;
          reads++;
          ids += e.orderIds.length;
        }
        const snap = window.replicaLab?.cluster.getSnapshot();
        const rows = snap?.replication ?? [];
        return {
          historyKept: events.length,
          orderIdsPerRead: reads ? Math.round(ids / reads) : 0,
          orderIdsKept: ids,
          logRetained: snap?.log.retainedEntries ?? 0,
          mostQueued: Math.max(0, ...rows.map((r) => r.queued)),
          mostBehindS: Math.round(Math.max(0, ...rows.map((r) => r.behindMs)) / 100) / 10,
        };
      });
      return { minute, wallS, heapMb: mb(usedSize), domNodes: dom.nodes, listeners: dom.jsEventListeners, ...kept };
    };
    const samples = [await sample(0, 0)];
    const wall0 = Date.now();
    await page.evaluate(async () => {
      const lab = window.replicaLab;
      if (!lab) throw new Error('no lab');
      lab.driver.setSpeed(8);
      lab.driver.play();
      await lab.cluster.send({ do: 'startLoad', writesPerSec: 20, readsPerSec: 80, users: 20 });
    });
    for (let minute = 1; minute <= minutes; minute++) {
      await page.waitForFunction((ms) => (window.replicaLab?.cluster.clock.now() ?? 0) >= ms, minute * 60_000, {
        timeout: 600_000,
        polling: 250,
      });
      samples.push(await sample(minute, round((Date.now() - wall0) / 1000)));
      log(`chromium: page soak minute ${minute}/${minutes}: heap ${samples.at(-1)?.heapMb} MB`);
    }
    await page.evaluate(async () => {
      const lab = window.replicaLab;
      if (!lab) return;
      lab.driver.pause();
      const stop = lab.cluster.send({ do: 'stopLoad' });
      await lab.driver.flush();
      await stop;
    });
    // Growth over the second half, once the history has reached its bound (about 4 engine minutes).
    const from = samples[Math.ceil(minutes / 2)] ?? samples[0];
    const to = samples.at(-1) ?? from;
    return {
      what: `${minutes} engine minutes of the default load in free play at the driver's top speed (8x asked); the main thread's JS heap after a forced GC; growth from minute ${from.minute} to ${to.minute}`,
      wallS: to.wallS,
      samples,
      growth: {
        heapMb: round(to.heapMb - from.heapMb),
        domNodes: to.domNodes - from.domNodes,
        listeners: to.listeners - from.listeners,
      },
      target: 'flat: JS heap growth <= 5 MB over the second half',
    };
  } finally {
    await cdp.detach().catch(() => undefined);
    await close();
  }
}
