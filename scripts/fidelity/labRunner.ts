/**
 * Plays a scenario file on the lab, through the engine's public API only (Cluster.boot
 * with the in-process PGlite factory, cluster.send, the virtual clock): each step at its
 * engine time, its outcome recorded when it completes, and the same probes as the real
 * side (a read sent the moment a write is acknowledged). Steps still waiting when the run
 * ends (a commit with no synchronous standby) stay unfinished, as on the real side.
 */
import { Cluster, SqlError } from '../../src/engine/index.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { scenarioSettings } from '../../src/scenarios/runner.ts';
import { type Scenario, stepCommand, stepTimes } from '../../src/scenarios/schema.ts';
import { type Probe, type RunRecord, type StepResult, valueText } from './record.ts';

type Command = NonNullable<ReturnType<typeof stepCommand>>;
type Outcome = Omit<StepResult, 'action' | 'atMs' | 'endMs'>;

export async function runOnLab(scenario: Scenario, probes: Probe[], tailMs: number): Promise<RunRecord> {
  const cluster = await Cluster.boot(inProcessFactory, scenarioSettings(scenario));
  try {
    const { times, endMs } = stepTimes(scenario.steps);
    const record: RunRecord = { steps: [], probes: {} };
    const now = () => cluster.clock.now();
    scenario.steps.forEach((step, i) => {
      cluster.clock.scheduleAt(times[i], () => {
        const result: StepResult = { action: step.do, atMs: now() };
        record.steps[i] = result;
        const command = stepCommand(step);
        if (!command) {
          Object.assign(result, { ok: true, endMs: now() });
          return;
        }
        const probe = probes.find((p) => p.afterStep === i);
        void perform(cluster, command).then((outcome) => {
          Object.assign(result, outcome, { endMs: now() });
          if (!probe || !outcome.ok) return;
          const p: StepResult = { action: 'readOrders', atMs: now() };
          record.probes[i] = p;
          void perform(cluster, { do: 'readOrders', user: probe.user, node: probe.node }).then((o) =>
            Object.assign(p, o, { endMs: now() }),
          );
        });
      });
    });
    await cluster.clock.runUntil(endMs + tailMs);
    return structuredClone(record);
  } finally {
    await cluster.close();
  }
}

/** One command's outcome in the record's terms. */
async function perform(cluster: Cluster, command: Command): Promise<Outcome> {
  try {
    const outcome: unknown = await cluster.send(command);
    if (command.do === 'sql') {
      // The console's outcome: its statements' results (a list, or inside { results }).
      type Results = { rows: Record<string, unknown>[] }[];
      const results = Array.isArray(outcome) ? (outcome as Results) : (outcome as { results: Results }).results;
      const first = results.at(-1)?.rows[0];
      return { ok: true, value: valueText(first ? Object.values(first)[0] : undefined) };
    }
    if (outcome && typeof outcome === 'object' && 'ok' in outcome) {
      const o = outcome as { ok: boolean; orderId?: number; orderIds?: number[]; error?: string; code?: string };
      return {
        ok: o.ok,
        ...(o.orderId !== undefined ? { orderId: o.orderId } : {}),
        ...(command.do === 'readOrders' ? { orderIds: o.orderIds ?? [] } : {}),
        ...(o.error ? { error: o.error } : {}),
        ...(o.code ? { code: o.code } : {}),
      };
    }
    return { ok: true };
  } catch (err) {
    const code = err instanceof SqlError ? err.info.code : undefined;
    return { ok: false, error: (err as Error).message, ...(code ? { code } : {}) };
  }
}
