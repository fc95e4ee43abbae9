import { describe, expect, it } from 'vitest';
import { Cluster, type Command } from '../../src/engine/index.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { runAsScenario } from '../../src/scenarios/journal.ts';
import { finishScenario, scheduleSteps, summarize } from '../../src/scenarios/runner.ts';

/** What a learner does in the page, each command at its own engine time. */
const SESSION: [number, Command][] = [
  [12.5, { do: 'setLag', node: 'replica-1', ms: 1500 }],
  [101.25, { do: 'placeOrder', user: 1003, total: 42 }],
  [333.3, { do: 'readOrders', user: 1003, node: 'replica-1' }],
  [
    480.7,
    { do: 'sql', node: 'primary', text: "UPDATE products SET price = price + 1 WHERE category = 'Books & Media'" },
  ],
  [512.9, { do: 'startLoad', writesPerSec: 6, readsPerSec: 12 }],
  [1507.1, { do: 'killNode', node: 'primary' }],
  [4003.3, { do: 'stopLoad' }],
  [9111.1, { do: 'readOrders', user: 1003 }],
];
const END_MS = 12_000.5;

const withoutSeq = ({ seq: _seq, ...event }: { seq: number }) => event;
const SETTINGS = { seed: 11, replicas: 3, lagMs: [300, 200, 900] };

describe('a run saved as a scenario', () => {
  it('plays back to the same history and summary as the session it was saved from', async () => {
    const original = await Cluster.boot(inProcessFactory, SETTINGS);
    let scenario: ReturnType<typeof runAsScenario>;
    let expected: Awaited<ReturnType<typeof summarize>>;
    let originalHistory: string;
    try {
      for (const [at, command] of SESSION) {
        await original.clock.runUntil(at);
        void original.send(command).catch(() => undefined);
      }
      await original.clock.runUntil(END_MS);
      scenario = runAsScenario({
        name: 'saved session',
        settings: original.bootSettings(),
        journal: original.journalCopy(),
        endMs: original.clock.now(),
      });
      originalHistory = JSON.stringify(original.history.all().map(withoutSeq));
      await original.drain();
      expected = await summarize(original, 'saved session', END_MS);
    } finally {
      await original.close();
    }
    // The file says what the learner did, in the format's own words.
    expect(scenario.seed).toBe(11);
    expect(scenario.settings).toEqual({ replicas: 3, lagMs: [300, 200, 900] });
    expect(scenario.steps.map((s) => s.do)).toEqual([...SESSION.map(([, c]) => c.do), 'wait']);
    expect(scenario.steps.at(-1)).toMatchObject({ at: END_MS, do: 'wait', ms: 0 });

    const replay = await Cluster.boot(inProcessFactory, { ...scenario.settings, seed: scenario.seed });
    try {
      const run = scheduleSteps(replay, scenario);
      await replay.clock.runUntil(run.endMs);
      // Up to the moment of export the replayed history is the session's, event for event
      // (the player only adds a marker per step it runs, which shifts the sequence numbers).
      const replayed = replay.history.all().filter((e) => e.type !== 'scenario.step');
      expect(JSON.stringify(replayed.map(withoutSeq))).toBe(originalHistory);
      const summary = await finishScenario(replay, scenario, run);
      expect(summary.lostWrites.length + summary.failedWrites).toBeGreaterThan(0);
      expect({ ...summary, historyEvents: 0 }).toEqual({ ...expected, historyEvents: 0 });
    } finally {
      await replay.close();
    }
  });
});
