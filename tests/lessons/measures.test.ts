/**
 * Reveals and goals computed from real histories (booted clusters, real PGlite): the answer
 * follows what the engine did, so changing a setting changes it (Replica 1 at 0 lag and
 * "will this read see the order" flips), and --check catches a narration the engine no
 * longer bears out, an unreachable goal and a goal met with nothing to do.
 */
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/engine/index.ts';
import {
  checkLesson,
  contextAt,
  evaluateGoal,
  evaluatePrediction,
  type Lesson,
  type LessonWindow,
  lessonById,
  type MeasureName,
  parseLesson,
} from '../../src/lessons/index.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { scheduleSteps } from '../../src/scenarios/runner.ts';
import type { Step } from '../../src/scenarios/schema.ts';
import { bootCluster } from '../harness.ts';

/** Plays `steps` on a fresh cluster until `untilMs`; returns it (the caller closes it). */
async function played(settings: Parameters<typeof bootCluster>[0], steps: Step[], untilMs: number): Promise<Cluster> {
  const cluster = await bootCluster({ seed: 1, jitterMs: 0, ...settings });
  scheduleSteps(cluster, { version: 1, name: 'test', steps });
  await cluster.clock.runUntil(untilMs);
  return cluster;
}

const measure = (cluster: Cluster, m: MeasureName, window: LessonWindow, args = {}) =>
  evaluatePrediction({ question: '?', measure: m, answer: 'number', args }, contextAt(cluster, window));

/** A copy of a library lesson with `change` applied (the library's own objects stay as they are). */
function variant(id: string, change: (l: Lesson) => void): Lesson {
  const copy = structuredClone(lessonById(id) as Lesson);
  change(copy);
  return copy;
}

describe('reveals follow the history', () => {
  it('"will this read see the order" flips when Replica 1 has no lag, and --check says the narration is contradicted', async () => {
    const lagging = await checkLesson(lessonById('stale-read') as Lesson, inProcessFactory, { plainPath: false });
    const read = (c: typeof lagging) => c.steps.find((s) => s.id === 'read-replica')?.prediction;
    expect(read(lagging)?.actual).toBe('no');
    expect(lagging.ok).toBe(true);

    const noLag = variant('stale-read', (l) => {
      l.settings = { ...l.settings, lagMs: [0, 300, 300] };
    });
    const fresh = await checkLesson(noLag, inProcessFactory, { plainPath: false });
    expect(read(fresh)?.actual).toBe('yes');
    expect(read(fresh)?.explanation).toMatch(/served by replica-1 .*order #1, acknowledged at \d+ ms was there/);
    expect(fresh.ok).toBe(false);
    expect(fresh.problems).toContainEqual(
      expect.stringMatching(
        /^chapter 1, step "read-replica": the narration expects readSawOrder "no", but the engine computed "yes"/,
      ),
    );
  }, 120_000);

  it('sharding reveals follow the ids: global ids leave no duplicate and let the move finish', async () => {
    const serial = await checkLesson(lessonById('shard-ids') as Lesson, inProcessFactory, { plainPath: false });
    const answer = (c: typeof serial, id: string) => c.steps.find((s) => s.id === id)?.prediction;
    expect(serial.ok).toBe(true);
    expect(answer(serial, 'serial')?.actual).toBe(1);
    expect(answer(serial, 'grow')?.actual).toBe('failed');
    expect(answer(serial, 'grow')?.explanation).toContain('duplicate key value violates unique constraint');

    const global = variant('shard-ids', (l) => {
      const first = l.chapters[0].steps[0];
      first.actions = first.actions?.map((a) => (a.do === 'setSharding' ? { ...a, ids: 'global' } : a));
    });
    const unique = await checkLesson(global, inProcessFactory, { plainPath: false });
    expect(answer(unique, 'serial')?.actual).toBe(0);
    expect(answer(unique, 'serial')?.explanation).toMatch(
      /Each of the 4 orders on 4 shards got an id no other shard used/,
    );
    expect(answer(unique, 'grow')?.actual).toBe('done');
    expect(unique.problems).toContainEqual(
      expect.stringMatching(
        /^chapter 1, step "grow": the narration expects moveOutcome "failed", but the engine computed "done"/,
      ),
    );
  }, 120_000);

  it('an async failover: the most up-to-date replica is promoted and the orders it never received are counted lost', async () => {
    const cluster = await played(
      { replicas: 3, lagMs: [1500, 200, 2000] },
      [
        { at: 0, do: 'placeOrder', user: 1001, total: 20 },
        { at: 100, do: 'placeOrder', user: 1002, total: 30 },
        { at: 200, do: 'placeOrder', user: 1003, total: 40 },
        { at: 300, do: 'killNode', node: 'primary' },
      ],
      8000,
    );
    try {
      const all = { startMs: 0, endMs: 8000 };
      expect(measure(cluster, 'promotedNode', all).actual).toBe('replica-2');
      const lost = measure(cluster, 'lostAckedOrders', all);
      expect(lost.actual).toBe(2);
      expect(lost.explanation).toMatch(/orders #2, #3 never reached the promoted node/);
      expect(evaluateGoal({ text: '', check: 'noLostAckedOrders' }, contextAt(cluster, all)).met).toBe(false);
      expect(evaluateGoal({ text: '', check: 'promotedMostUpToDate' }, contextAt(cluster, all)).met).toBe(true);
      // Before the crash nothing was lost, and nobody was promoted.
      const before = { startMs: 0, endMs: 300 };
      expect(measure(cluster, 'lostAckedOrders', before).actual).toBe(0);
      expect(measure(cluster, 'promotedNode', before).actual).toBe('nobody');
      expect(evaluateGoal({ text: '', check: 'noLostAckedOrders' }, contextAt(cluster, before)).why).toMatch(
        /No failover happened/,
      );
    } finally {
      await cluster.close();
    }
  }, 120_000);

  it('"always Replica 1" fails promotedMostUpToDate, naming the replica that had more', async () => {
    const cluster = await played(
      { replicas: 3, lagMs: [5000, 100, 100] },
      [
        { at: 0, do: 'setPromotionPolicy', policy: 'first-replica' },
        { at: 0, do: 'placeOrder', user: 1001, total: 10 },
        { at: 100, do: 'placeOrder', user: 1002, total: 20 },
        { at: 400, do: 'killNode', node: 'primary' },
      ],
      8000,
    );
    try {
      const goal = evaluateGoal(
        { text: '', check: 'promotedMostUpToDate' },
        contextAt(cluster, { startMs: 0, endMs: 8000 }),
      );
      expect(goal.met).toBe(false);
      expect(goal.detail).toMatch(/^replica-1 had entry 0; the most advanced live replica, replica-[23], had 2$/);
    } finally {
      await cluster.close();
    }
  }, 120_000);

  it('commit latency follows the mode and the distance to the replica', async () => {
    const cluster = await played(
      { replicas: 3, lagMs: [25, 25, 25], commitMs: 50 },
      [
        { at: 0, do: 'placeOrder', user: 1001, total: 10 },
        { at: 1000, do: 'setMode', mode: 'semi-sync', timeoutMs: 10000 },
        { at: 1000, do: 'placeOrder', user: 1001, total: 20 },
        { at: 2000, do: 'setLag', node: 'replica-1', ms: 100 },
        { at: 2000, do: 'setLag', node: 'replica-2', ms: 100 },
        { at: 2000, do: 'setLag', node: 'replica-3', ms: 100 },
        { at: 2000, do: 'placeOrder', user: 1001, total: 30 },
      ],
      3000,
    );
    try {
      expect(measure(cluster, 'commitLatencyMs', { startMs: 0, endMs: 1000 }).actual).toBe(50);
      expect(measure(cluster, 'commitLatencyMs', { startMs: 1000, endMs: 2000 }).actual).toBe(100);
      // Semi-sync waits a round trip to the nearest replica: 100 ms each way now.
      expect(measure(cluster, 'commitLatencyMs', { startMs: 2000, endMs: 3000 }).actual).toBe(250);
    } finally {
      await cluster.close();
    }
  }, 120_000);

  it('read goals need enough completed reads in the window, and count only reads that finished by its end', async () => {
    const cluster = await played(
      { replicas: 3, lagMs: [2000, 2000, 2000], readMs: 30 },
      [
        { at: 0, do: 'placeOrder', user: 1001, total: 10 },
        { at: 100, do: 'readOrders', user: 1001 },
        { at: 200, do: 'readOrders', user: 1001 },
      ],
      1000,
    );
    try {
      const ctx = (w: LessonWindow) => contextAt(cluster, w);
      const goal = { text: '', check: 'noRywViolations' as const, args: { minReads: 2 } };
      const both = evaluateGoal(goal, ctx({ startMs: 0, endMs: 1000 }));
      expect(both).toMatchObject({ met: false, detail: '2 read-your-writes violations in 2 reads' });
      // The second read began at 200 ms but had not finished at 210 ms: it does not count yet.
      expect(evaluateGoal(goal, ctx({ startMs: 0, endMs: 210 })).why).toMatch(/Too few reads to tell: at least 2/);
      expect(measure(cluster, 'rywViolations', { startMs: 0, endMs: 210 }).actual).toBe(1);
      expect(measure(cluster, 'readVerdict', { startMs: 0, endMs: 1000 }).actual).toBe('read-your-writes');
      expect(evaluateGoal({ text: '', check: 'readSawOwnWrite' }, ctx({ startMs: 0, endMs: 1000 })).met).toBe(false);
    } finally {
      await cluster.close();
    }
  }, 120_000);
});

describe('the blast radius of a shard down follows the shards killed', () => {
  it('one shard of four fails about a quarter of the orders, two about half; a scatter query fails with either', async () => {
    const run = (kill: string[]) =>
      played(
        {},
        [
          { at: 0, do: 'setSharding', strategy: 'modulo', shards: 4, ids: 'global' },
          { at: 100, do: 'startLoad', writesPerSec: 40, readsPerSec: 0 },
          ...kill.map((shard) => ({ at: 1000, do: 'killShard' as const, shard })),
          { at: 2900, do: 'scatterQuery', query: 'order-count' },
        ],
        3000,
      );
    const window = { startMs: 1000, endMs: 3000 };
    const outcomes: [number, unknown][] = [];
    for (const kill of [[], ['shard-1'], ['shard-1', 'shard-2']]) {
      const c = await run(kill);
      try {
        const failed = measure(c, 'failedShardWritesPercent', window).actual as number;
        outcomes.push([failed, measure(c, 'scatterOutcome', window).actual]);
      } finally {
        await c.close();
      }
    }
    const [none, one, two] = outcomes;
    expect(none).toEqual([0, 'answered']);
    expect(one[0]).toBeGreaterThan(10);
    expect(one[0]).toBeLessThan(40);
    expect(one[1]).toBe('failed');
    expect(two[0]).toBeGreaterThan(35);
    expect(two[0]).toBeLessThan(65);
    expect(two[1]).toBe('failed');
  }, 120_000);
});

describe('--check finds broken lessons', () => {
  it('a command that fails outright is a problem at its step, not a crash', async () => {
    const broken = parseLesson({
      version: 2,
      id: 'bad-action',
      title: 'T',
      summary: 'S',
      minutes: 1,
      chapters: [
        {
          title: 'C',
          steps: [{ id: 'inspect', title: 'I', narration: 'N', actions: [{ do: 'inspectWal', entry: 999 }] }],
        },
      ],
    });
    const check = await checkLesson(broken, inProcessFactory);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      expect.stringMatching(/^chapter 1, step "inspect": an action failed: log entry 999/),
    ]);
  }, 120_000);

  it('a goal whose reference is gone is unreachable; a goal already met leaves nothing to do', async () => {
    const noReference = variant('session-map', (l) => {
      delete l.chapters[1].steps[0].reference;
    });
    const unreachable = await checkLesson(noReference, inProcessFactory);
    expect(unreachable.ok).toBe(false);
    expect(unreachable.problems).toEqual([
      expect.stringMatching(
        /^chapter 2, step "shared-session": goal "No read-your-writes violation for customer 1002 across app-2 and app-3" is not met on the reference path \(2 read-your-writes violations in 2 reads\)/,
      ),
    ]);

    const alreadyShared = variant('session-map', (l) => {
      l.chapters[0].steps[0].actions?.unshift({ do: 'setSessionStore', store: 'shared' });
    });
    const trivial = await checkLesson(alreadyShared, inProcessFactory);
    expect(trivial.problems).toContainEqual(
      expect.stringMatching(/step "shared-session": goal .* is met even without the reference actions .*nothing to do/),
    );
    // The shared store also changes the first chapter's reveal: app-2 now knows about the write.
    expect(trivial.problems).toContainEqual(
      expect.stringMatching(
        /step "read-via-app-2": the narration expects readSawOrder "no", but the engine computed "yes"/,
      ),
    );
  }, 120_000);
});
