/**
 * `npm run scenario -- <file or preset> [--seed N] [--json] [--list]`: runs a scenario
 * headless in Node on the virtual clock with real PGlite nodes and prints a summary.
 * With --json, stdout holds only the summary JSON; everything else goes to stderr.
 * Exit codes: 0 ran, 1 failed while running, 2 bad arguments or an invalid scenario.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRESETS } from '../scenarios/presets/index.ts';
import { runScenario, type ScenarioSummary } from '../scenarios/runner.ts';
import { parseScenario, parseScenarioText, type Scenario, ScenarioError } from '../scenarios/schema.ts';
import { inProcessFactory } from './nodeFactory.ts';

// Keep stdout for the summary alone: anything else written there (PGlite's notices,
// libraries' logs) goes to stderr.
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
function emit(text: string): void {
  stdoutWrite(`${text}\n`);
}

const USAGE = `usage: npm run scenario -- <file.json | preset> [--seed N] [--json]
       npm run scenario -- --list`;

function load(target: string): Scenario {
  if (existsSync(target)) return parseScenarioText(readFileSync(target, 'utf8'), target);
  const preset = PRESETS[target.replace(/\.json$/, '')];
  if (preset) return parseScenario(preset);
  throw new ScenarioError([
    `no scenario file "${target}" and no preset of that name; presets: ${Object.keys(PRESETS).join(', ')}`,
  ]);
}

function printText(s: ScenarioSummary): void {
  const out: string[] = [];
  out.push(
    `${s.scenario} (seed ${s.seed}): steps ran until ${s.endMs} ms, replication drained at ${Math.round(s.drainedAtMs)} ms`,
  );
  out.push('');
  out.push('writes:');
  for (const w of s.writes) {
    out.push(
      `  ${String(w.at).padStart(6)} ms  user ${w.user} -> ${w.node}: ${w.ok ? `order ${w.orderId} acknowledged at ${w.ackAt} ms, LSN ${w.lsn}` : `FAILED: ${w.error}`}`,
    );
  }
  out.push('reads:');
  for (const r of s.reads) {
    const what = r.error
      ? `FAILED: ${r.error}`
      : `orders [${r.orderIds.join(', ')}] (replay LSN ${r.replayLsn})${r.stale ? `  STALE: missed ${r.missedOrderIds.join(', ')}` : ''}`;
    out.push(`  ${String(r.at).padStart(6)} ms  user ${r.user} <- ${r.node}: ${what}`);
  }
  out.push(`stale reads: ${s.staleReads} of ${s.reads.length}`);
  out.push('');
  out.push(`primary WAL at ${s.primaryLsn}; log entries retained: ${s.retainedEntries}`);
  for (const r of s.replicas) {
    out.push(
      `  ${r.name.padEnd(10)} ${r.state.padEnd(12)} replay_lsn ${r.replayLsn}  behind by ${r.behindEntries} transactions`,
    );
  }
  out.push(
    s.converged
      ? 'converged: every replica equals the primary, row for row'
      : `NOT converged: ${s.differing.join(', ')} differ from the primary (down or disconnected at the end?)`,
  );
  emit(out.join('\n'));
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.list) {
    for (const [name, raw] of Object.entries(PRESETS)) {
      const s = parseScenario(raw);
      emit(`${name.padEnd(22)} ${s.name}`);
    }
    return 0;
  }
  const target = args.positionals[0];
  if (!target) {
    console.error(USAGE);
    return 2;
  }
  const seed = args.values.seed === undefined ? undefined : Number(args.values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) {
    console.error(`--seed expects a whole number, got "${args.values.seed}"`);
    return 2;
  }
  let scenario: Scenario;
  try {
    scenario = load(target);
  } catch (err) {
    if (err instanceof ScenarioError) {
      console.error(`invalid scenario ${target}: ${err.message}`);
      return 2;
    }
    throw err;
  }
  console.error(`running "${scenario.name}"...`);
  const summary = await runScenario(scenario, inProcessFactory, { seed });
  if (args.values.json) emit(JSON.stringify(summary, null, 2));
  else printText(summary);
  return 0;
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
    },
  });
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
