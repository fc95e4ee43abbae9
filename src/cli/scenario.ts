/**
 * `npm run scenario -- <file or preset> [--seed N] [--json] [--compare] [--list]`: runs a scenario
 * headless in Node on the virtual clock with real PGlite nodes and prints a summary.
 * With --json, stdout holds only the summary JSON; everything else goes to stderr.
 * With --compare, the same seeded workload runs once per read-your-writes strategy.
 * With --check, a lesson (a version 2 file or a library lesson's id; --all: every one)
 * plays its reference path and fails when a goal or a narrated answer does not hold.
 * A lesson without --check runs as the scenario it compiles to.
 * Exit codes: 0 ran, 1 failed while running, 2 bad arguments or an invalid scenario.
 */

import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RYW_STRATEGIES } from '../engine/index.ts';
import { compileLesson, isLessonFile, lessonById, parseLesson } from '../lessons/index.ts';
import { inProcessFactory } from '../platform/node/nodeFactory.ts';
import { PRESETS } from '../scenarios/presets/index.ts';
import { runScenario, type ScenarioSummary } from '../scenarios/runner.ts';
import { parseJsonText, parseScenario, type Scenario, ScenarioError } from '../scenarios/schema.ts';
import { runMain } from './exit.ts';
import { lessonCheckMain } from './lessonCheck.ts';

// Keep stdout for the summary alone: anything else written there (PGlite's notices,
// libraries' logs) goes to stderr.
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
function emit(text: string): void {
  stdoutWrite(`${text}\n`);
}

const USAGE = `usage: npm run scenario -- <file.json | preset> [--seed N] [--json] [--compare]
       npm run scenario -- <lesson.json | lesson-id> --check [--json]
       npm run scenario -- --check --all
       npm run scenario -- --list`;

function load(target: string): Scenario {
  if (existsSync(target)) {
    const json = parseJsonText(readFileSync(target, 'utf8'), target);
    return isLessonFile(json) ? compileLesson(parseLesson(json)).scenario : parseScenario(json);
  }
  const preset = PRESETS[target.replace(/\.json$/, '')];
  if (preset) return parseScenario(preset);
  const lesson = lessonById(target.replace(/\.json$/, ''));
  if (lesson) return compileLesson(lesson).scenario;
  throw new ScenarioError([
    `no scenario file "${target}" and no preset of that name; presets: ${Object.keys(PRESETS).join(', ')}`,
  ]);
}

const ANOMALY_LABEL: Record<string, string> = {
  stale: 'STALE',
  'read-your-writes': 'READ-YOUR-WRITES',
  monotonic: 'MONOTONIC',
};

function printText(s: ScenarioSummary): void {
  const out: string[] = [];
  out.push(
    `${s.scenario} (seed ${s.seed}): steps ran until ${s.endMs} ms, replication drained at ${Math.round(s.drainedAtMs)} ms`,
  );
  out.push('');
  const ownWrites = s.writes.filter((w) => w.client !== 'load');
  const ownReads = s.reads.filter((r) => r.client !== 'load');
  out.push('writes:');
  for (const w of ownWrites) {
    out.push(
      `  ${String(w.at).padStart(6)} ms  user ${w.user} -> ${w.node}: ${w.ok ? `order ${w.orderId} acknowledged at ${w.ackAt} ms, LSN ${w.lsn}` : `FAILED: ${w.error}`}`,
    );
  }
  out.push('reads:');
  for (const r of ownReads) {
    const marks = r.anomalies.map((a) => ANOMALY_LABEL[a]).join(' ');
    const evidence = [
      r.missedOrderIds.length ? `missed own order ${r.missedOrderIds.join(', ')}` : '',
      r.missedWrite && !r.missedOrderIds.length
        ? `behind order ${r.missedWrite.orderId} (LSN ${r.missedWrite.lsn})`
        : '',
      r.vanishedOrderIds ? `order ${r.vanishedOrderIds.join(', ')} vanished` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const what = r.error
      ? `FAILED: ${r.error}`
      : `${r.action === 'readOrders' ? `orders [${r.orderIds.join(', ')}]` : r.action} (replay LSN ${r.replayLsn}, ${r.latencyMs} ms)${marks ? `  ${marks}: ${evidence}` : ''}`;
    out.push(`  ${String(r.at).padStart(6)} ms  user ${r.user} <- ${r.node}${r.via ? ` via ${r.via}` : ''}: ${what}`);
  }
  const load = s.reads.length - ownReads.length + s.writes.length - ownWrites.length;
  if (load > 0) out.push(`(plus ${load} operations from the load generator, in --json)`);
  out.push('');
  out.push(
    `stale reads: ${s.staleReads}, read-your-writes violations: ${s.rywViolations}, monotonic-read violations: ${s.monotonicViolations} (of ${s.reads.length} reads)`,
  );
  out.push(
    `reads served by the primary: ${(s.primaryReadShare * 100).toFixed(1)}%; read latency p50 ${s.readLatencyP50Ms} ms, p99 ${s.readLatencyP99Ms} ms`,
  );
  out.push(
    `write latency p50 ${s.writeLatencyP50Ms} ms, p99 ${s.writeLatencyP99Ms} ms; failed writes: ${s.failedWrites}${s.stuckWrites ? `; STILL WAITING for a synchronous standby: ${s.stuckWrites}` : ''}`,
  );
  for (const f of s.failovers) {
    out.push(
      `failover: detected at ${f.detectedAt} ms, ${f.promoted ?? 'nobody'} promoted at ${f.promotedAt ?? '-'} ms, endpoint moved at ${f.endpointMovedAt ?? '-'} ms, downtime ${f.downtimeMs ?? '-'} ms`,
    );
  }
  if (s.lostWrites.length) out.push(`LOST (acknowledged, then gone): orders ${s.lostWrites.join(', ')}`);
  if (s.splitBrain) out.push('SPLIT BRAIN: two nodes accepted writes as primary');
  out.push(`primary at the end: ${s.primary}; WAL at ${s.primaryLsn}; log entries retained: ${s.retainedEntries}`);
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
  if (s.rowsPerShard) out.push('', ...shardingLines(s));
  emit(out.join('\n'));
}

/** A sharded run: rows per shard, each move against theory, collisions and losses (the --json fields, in words). */
function shardingLines(s: ScenarioSummary): string[] {
  const pct = (n: number | null | undefined) => (n === null || n === undefined ? '-' : `${(n * 100).toFixed(1)}%`);
  const out = [
    `sharded (${s.strategy}, ${s.ids} ids): ${Object.entries(s.rowsPerShard ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} rows; skew (max/mean) ${s.skew}`,
  ];
  for (const m of s.reshards ?? []) {
    out.push(
      m.status === 'done'
        ? `  move ${m.move} (${m.kind}): ${m.movedRows} rows moved = ${pct(m.movedShare)} (theory ${pct(m.expectedMovedShare)}), writes paused ${m.writePauseMs} ms`
        : `  move ${m.move} (${m.kind}) FAILED: ${m.error}`,
    );
  }
  for (const p of s.probes ?? []) out.push(`  probe ${p.key} -> ${p.shard ?? 'several shards'}`);
  if (s.crossShardLatencyMs !== null) out.push(`  slowest scatter query: ${s.crossShardLatencyMs} ms`);
  if (s.duplicateIds?.length) out.push(`  ORDER IDS ON MORE THAN ONE SHARD: ${s.duplicateIds.slice(0, 20).join(', ')}`);
  out.push(`  lost rows: ${s.lostRows}, rows held twice: ${s.duplicatedRows}`);
  return out;
}

/** The same seeded workload once per read-your-writes strategy (the scenario's own choice is replaced). */
async function compare(scenario: Scenario, seed: number | undefined, json: boolean): Promise<void> {
  const rows: CompareRow[] = [];
  for (const strategy of RYW_STRATEGIES) {
    console.error(`  ${strategy}...`);
    const steps = scenario.steps.filter((st) => st.do !== 'setRywStrategy');
    const variant: Scenario = { ...scenario, steps: [{ at: 0, do: 'setRywStrategy', strategy }, ...steps] };
    const s = await runScenario(variant, inProcessFactory, { seed });
    rows.push({
      strategy,
      reads: s.reads.length,
      staleReads: s.staleReads,
      rywViolations: s.rywViolations,
      monotonicViolations: s.monotonicViolations,
      primaryReadShare: s.primaryReadShare,
      readLatencyP50Ms: s.readLatencyP50Ms,
      readLatencyP99Ms: s.readLatencyP99Ms,
    });
  }
  if (json) {
    emit(JSON.stringify({ scenario: scenario.name, seed: seed ?? scenario.seed ?? 1, compare: rows }, null, 2));
    return;
  }
  const header = ['strategy', 'reads', 'stale', 'read-your-writes', 'monotonic', 'primary share', 'p50 ms', 'p99 ms'];
  const table = rows.map((r) => [
    r.strategy,
    String(r.reads),
    String(r.staleReads),
    String(r.rywViolations),
    String(r.monotonicViolations),
    `${(r.primaryReadShare * 100).toFixed(1)}%`,
    String(r.readLatencyP50Ms),
    String(r.readLatencyP99Ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  emit(
    [
      `${scenario.name} (seed ${seed ?? scenario.seed ?? 1}), one run per read-your-writes strategy:`,
      '',
      line(header),
      ...table.map(line),
    ].join('\n'),
  );
}

/** One strategy's totals: the summary's own fields, so the two never drift apart. */
type CompareRow = { strategy: string; reads: number } & Pick<
  ScenarioSummary,
  'staleReads' | 'rywViolations' | 'monotonicViolations' | 'primaryReadShare' | 'readLatencyP50Ms' | 'readLatencyP99Ms'
>;

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
  const seedArg = args.values.seed === undefined ? undefined : Number(args.values.seed);
  if (args.values.check && (seedArg === undefined || Number.isInteger(seedArg))) {
    return lessonCheckMain(target, {
      all: args.values.all ?? false,
      seed: seedArg,
      json: args.values.json ?? false,
      emit,
    });
  }
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
  if (args.values.compare) {
    console.error(`comparing read-your-writes strategies on "${scenario.name}"...`);
    await compare(scenario, seed, args.values.json ?? false);
    return 0;
  }
  console.error(`running "${scenario.name}"...`);
  let summary: Awaited<ReturnType<typeof runScenario>>;
  try {
    summary = await runScenario(scenario, inProcessFactory, { seed });
  } catch (err) {
    // A step the engine refused (e.g. sharding an already sharded cluster): say which, without a stack.
    console.error(`"${scenario.name}" stopped: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
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
      compare: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    },
  });
}

runMain(main);
