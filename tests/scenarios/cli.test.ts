/**
 * The scenario CLI's --list and --compare, run as a user runs them (a child process):
 * --list names every preset; --compare runs the same workload once per read-your-writes
 * strategy and its rows are the runs' own summaries (the fix strategies do better than none).
 * A step the engine refuses stops the run with exit 1, naming the step, not with a crash.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RYW_STRATEGIES } from '../../src/engine/index.ts';
import { PRESETS } from '../../src/scenarios/presets/index.ts';

const run = promisify(execFile);
const cli = (...args: string[]) => run('npx', ['tsx', 'src/cli/scenario.ts', ...args], { maxBuffer: 1 << 24 });

describe('npm run scenario', () => {
  it('--list prints every preset with its name', async () => {
    const { stdout } = await cli('--list');
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(Object.keys(PRESETS));
    expect(lines[0]).toMatch(/^stale-read\s+\S/);
  }, 60_000);

  it('--compare --json runs one row per read-your-writes strategy, and the fixes beat none', async () => {
    const { stdout } = await cli('session-map', '--compare', '--json');
    const out = JSON.parse(stdout) as {
      scenario: string;
      compare: { strategy: string; reads: number; rywViolations: number; primaryReadShare: number }[];
    };
    expect(out.compare.map((r) => r.strategy)).toEqual([...RYW_STRATEGIES]);
    const by = Object.fromEntries(out.compare.map((r) => [r.strategy, r]));
    expect(by.none.rywViolations).toBeGreaterThan(0);
    expect(by['primary-after-write'].rywViolations).toBeLessThan(by.none.rywViolations);
    expect(by['primary-after-write'].primaryReadShare).toBeGreaterThan(by.none.primaryReadShare);
    expect(new Set(out.compare.map((r) => r.reads)).size).toBe(1);
  }, 300_000);

  it('a step the engine refuses stops the run with exit 1 and names the step, without a stack trace', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'replica-lab-')), 'twice.json');
    const steps = [
      { at: 0, do: 'setSharding', strategy: 'modulo', shards: 2 },
      { at: 100, do: 'setSharding', strategy: 'ring', shards: 2 },
    ];
    writeFileSync(file, JSON.stringify({ version: 1, name: 'sharded twice', steps }));
    const failed = await cli(file).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(
      '"sharded twice" stopped: step 2 (setSharding) at 100 ms failed: the cluster is already sharded',
    );
    expect(failed?.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('--compare prints a table with a row per strategy', async () => {
    const { stdout } = await cli('stale-read', '--compare');
    for (const strategy of RYW_STRATEGIES) expect(stdout).toMatch(new RegExp(`^${strategy}\\s`, 'm'));
    expect(stdout).toContain('read-your-writes');
  }, 300_000);
});
