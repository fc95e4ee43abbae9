/**
 * Every preset's history and summary, fingerprinted: a refactor that changes what any
 * preset does (one event, one field, one LSN) fails here, naming the preset. The
 * fingerprints in tests/fixtures/preset-fingerprints.json are SHA-256 hashes of the
 * history and summary JSON; when a change is meant to alter a run (a checker fix, a new
 * event), regenerate them with `UPDATE_FINGERPRINTS=1 npx vitest run tests/scenarios/presets.golden.test.ts`
 * and say why in the commit.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/index.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { PRESETS } from '../../src/scenarios/presets/index.ts';
import { finishScenario, scenarioSettings, scheduleSteps } from '../../src/scenarios/runner.ts';
import { parseScenario } from '../../src/scenarios/schema.ts';

const FIXTURE = new URL('../fixtures/preset-fingerprints.json', import.meta.url);
type Fingerprint = { history: string; summary: string; events: number };
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function fingerprint(raw: unknown): Promise<Fingerprint> {
  const scenario = parseScenario(raw);
  const cluster = await Cluster.boot(inProcessFactory, scenarioSettings(scenario));
  try {
    const run = scheduleSteps(cluster, scenario);
    await cluster.clock.runUntil(run.endMs);
    const summary = await finishScenario(cluster, scenario, run);
    const history = cluster.history.all();
    return { history: sha(JSON.stringify(history)), summary: sha(JSON.stringify(summary)), events: history.length };
  } finally {
    await cluster.close();
  }
}

describe('presets', () => {
  it('give the same history and summary as before, byte for byte', async () => {
    const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Fingerprint>;
    const actual: Record<string, Fingerprint> = {};
    for (const [name, raw] of Object.entries(PRESETS)) actual[name] = await fingerprint(raw);
    if (process.env.UPDATE_FINGERPRINTS) writeFileSync(FIXTURE, `${JSON.stringify(actual, null, 2)}\n`);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected)) expect({ name, ...actual[name] }).toEqual({ name, ...expected[name] });
    // 22 presets, each booting its own nodes (the sharded ones up to seven): longer than the default on a shared machine.
  }, 600_000);
});
