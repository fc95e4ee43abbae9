import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { PRESETS } from '../../src/scenarios/presets/index.ts';
import {
  finishScenario,
  runScenario,
  type ScheduledRun,
  scenarioSettings,
  scheduleSteps,
} from '../../src/scenarios/runner.ts';
import { parseScenario } from '../../src/scenarios/schema.ts';

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/scenario.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('scenario runner', () => {
  it('shows the stale read of the issue example, then the fresh read, and converges', async () => {
    const summary = await runScenario(parseScenario(PRESETS['stale-read']), inProcessFactory);
    expect(summary.reads.map((r) => ({ at: r.at, node: r.node, orderIds: r.orderIds, stale: r.stale }))).toEqual([
      { at: 50, node: 'replica-1', orderIds: [], stale: true },
      { at: 2500, node: 'replica-1', orderIds: [1], stale: false },
    ]);
    expect(summary.staleReads).toBe(1);
    expect(summary.converged).toBe(true);
    const primaryLsn = summary.primaryLsn;
    expect(summary.replicas.map((r) => r.replayLsn)).toEqual([primaryLsn, primaryLsn, primaryLsn]);
  });

  it('routes reads that name no node through the app tier, as the seed does', async () => {
    const summary = await runScenario(parseScenario(PRESETS['seed-timeline']), inProcessFactory);
    // The load balancer sends each request to the next app server; each app server keeps
    // its own round-robin position (the seed's per-process replicaIndex), so both reads
    // land on replica-1: stale at 50 ms, fresh at 250 ms once the 200 ms lag has passed.
    expect(summary.reads.map((r) => [r.node, r.stale])).toEqual([
      ['replica-1', true],
      ['replica-1', false],
    ]);
  });

  it('reports a replica that is still disconnected at the end as not converged', async () => {
    const scenario = parseScenario({
      version: 1,
      name: 'left disconnected',
      steps: [
        { do: 'disconnect', node: 'replica-2' },
        { at: 10, do: 'placeOrder', user: 1001, total: 5 },
      ],
    });
    const summary = await runScenario(scenario, inProcessFactory);
    expect(summary.converged).toBe(false);
    expect(summary.differing).toEqual(['replica-2']);
    expect(summary.retainedEntries).toBe(1);
  });
});

/** Runs the clock to `untilMs` in page-like frames of `frameMs`. */
async function playInFrames(cluster: Cluster, untilMs: number, frameMs: number): Promise<void> {
  while (cluster.clock.now() < untilMs) await cluster.clock.runUntil(Math.min(untilMs, cluster.clock.now() + frameMs));
}

describe('scenario played as the page plays it', () => {
  it('gives the headless result when the clock runs in frames', async () => {
    const scenario = parseScenario(PRESETS['async-failover']);
    const headless = await runScenario(scenario, inProcessFactory, { seed: 4 });
    const played = await Cluster.boot(inProcessFactory, scenarioSettings(scenario, 4));
    try {
      const run = scheduleSteps(played, scenario);
      await playInFrames(played, run.endMs, 16.7);
      const inFrames = await finishScenario(played, scenario, run);
      expect(inFrames).toEqual(headless);
      expect(inFrames.lostWrites.length).toBeGreaterThan(0);
    } finally {
      await played.close();
    }
  });

  it('steps back mid-run with a command of the learner in it, and carries on exactly as the original', async () => {
    const scenario = parseScenario(PRESETS['async-failover']);
    const settings = scenarioSettings(scenario, 4);
    const original = await Cluster.boot(inProcessFactory, settings);
    let rebuilt: Cluster | undefined;
    try {
      const run = scheduleSteps(original, scenario);
      // The learner slows replica-2 and places an order of their own, a little after the start.
      await playInFrames(original, 120.5, 16.7);
      void original.send({ do: 'setLag', node: 'replica-2', ms: 900 });
      void original.send({ do: 'placeOrder', user: 1005, total: 7 }).catch(() => undefined);
      const midMs = Math.round(run.endMs / 2) + 0.25;
      await playInFrames(original, midMs, 16.7);
      const journal = original.journalCopy();
      expect(journal.map((e) => e.command.do)).toEqual(['setLag', 'placeOrder']);
      await playInFrames(original, run.endMs, 16.7);
      const expected = await finishScenario(original, scenario, run);
      // The learner's order is in the run (and is what the replay must reproduce).
      expect(expected.writes.filter((w) => w.user === 1005)).toHaveLength(1);

      // Step back to the middle: replay the journal, the scenario re-scheduling its steps.
      let rerun!: ScheduledRun;
      rebuilt = await Cluster.replay(inProcessFactory, settings, journal, midMs, (c) => {
        rerun = scheduleSteps(c, scenario);
      });
      await playInFrames(rebuilt, rerun.endMs, 33.3);
      expect(await finishScenario(rebuilt, scenario, rerun)).toEqual(expected);
    } finally {
      await original.close();
      await rebuilt?.close();
    }
  });
});

describe('scenario CLI', () => {
  it('prints only the JSON summary on stdout with --json', () => {
    const run = cli('stale-read', '--json', '--seed', '7');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ scenario: 'The stale read', seed: 7, staleReads: 1, converged: true });
    expect(summary.reads[0]).toMatchObject({ at: 50, user: 1001, node: 'replica-1', orderIds: [], stale: true });
    expect(summary.replicas.map((r: { name: string }) => r.name)).toEqual(['replica-1', 'replica-2', 'replica-3']);
  });

  it('exits non-zero naming the step and field of an invalid file, and runs nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replica-lab-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        name: 'bad',
        steps: [
          { at: 0, do: 'placeOrder', user: 1001 },
          { do: 'readOrdrs', user: 1 },
        ],
      }),
    );
    const run = cli(file, '--json');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('step 1 (placeOrder): field "total"');
    expect(run.stderr).toContain('step 2: unknown action "do": "readOrdrs" (did you mean "readOrders"?)');
  });
});
