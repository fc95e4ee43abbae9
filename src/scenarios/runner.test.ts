import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inProcessFactory } from '../cli/nodeFactory.ts';
import { Cluster } from '../engine/cluster.ts';
import { PRESETS } from './presets/index.ts';
import { finishScenario, runScenario, type ScheduledRun, scenarioSettings, scheduleSteps } from './runner.ts';
import { parseScenario } from './schema.ts';

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

describe('scenario played as the page plays it', () => {
  it('gives the headless result when the clock runs in frames, and after stepping back mid-run', async () => {
    const scenario = parseScenario(PRESETS['async-failover']);
    const headless = await runScenario(scenario, inProcessFactory, { seed: 4 });

    // The page: the clock driver moves engine time a frame at a time up to the last step.
    const settings = scenarioSettings(scenario, 4);
    const played = await Cluster.boot(inProcessFactory, settings);
    let run: ScheduledRun = scheduleSteps(played, scenario);
    let rebuilt: Cluster | undefined;
    try {
      const midMs = Math.round(run.endMs / 2) + 0.25;
      while (played.clock.now() < midMs) await played.clock.runUntil(Math.min(midMs, played.clock.now() + 16.7));
      // Stepping back: replay to an earlier moment, the scenario re-scheduling its steps.
      rebuilt = await Cluster.replay(inProcessFactory, settings, played.journalCopy(), midMs / 2, (c) => {
        run = scheduleSteps(c, scenario);
      });
      while (rebuilt.clock.now() < run.endMs) {
        await rebuilt.clock.runUntil(Math.min(run.endMs, rebuilt.clock.now() + 33.3));
      }
      const inFrames = await finishScenario(rebuilt, scenario, run);
      expect(inFrames).toEqual(headless);
      expect(inFrames.lostWrites.length).toBeGreaterThan(0);
    } finally {
      await played.close();
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
