/**
 * A run as a scenario file: the commands a learner sent (the cluster's journal, each at
 * the engine time it was sent), merged with the steps of the scenario the run was playing
 * (if any), on the settings and seed the cluster booted with, ending at the moment of
 * export. Commands are the scenario format's own actions, so the file plays again through
 * `npm run scenario` or the page's scenario player, and can be edited like any other.
 */
import type { JournalEntry, SettingsInput } from '../engine/index.ts';
import { parseScenario, type Scenario, SettingsSchema, type Step, stepTimes } from './schema.ts';

export interface RunToExport {
  name: string;
  description?: string;
  /** The settings the cluster booted with (seed included). */
  settings: SettingsInput;
  /** The learner's commands, as the cluster journaled them. */
  journal: readonly JournalEntry[];
  /** The scenario the run was playing, if any: its steps are part of the run. */
  scenario?: Scenario;
  /** Engine time of the export: the new scenario ends here. */
  endMs: number;
}

/** The run as a valid scenario (format version 1); throws ScenarioError if it cannot be one. */
export function runAsScenario(run: RunToExport): Scenario {
  const { seed, ...input } = run.settings;
  // Only what the scenario format can say; the page never sets the engine's tuning knobs.
  const known = Object.keys(SettingsSchema.shape);
  const settings = Object.fromEntries(Object.entries(input).filter(([k, v]) => known.includes(k) && v !== undefined));
  const own: Step[] = [];
  if (run.scenario) {
    const { times } = stepTimes(run.scenario.steps);
    run.scenario.steps.forEach((step, i) => {
      // Waits only moved the cursor; every step now says when it runs.
      if (step.do !== 'wait' && times[i] <= run.endMs) own.push({ ...step, at: times[i] });
    });
  }
  const learner: Step[] = run.journal
    .filter((e) => e.at <= run.endMs)
    .map((e) => ({ at: e.at, ...e.command, note: 'sent by the learner' }));
  // Stable merge by time: at equal times a scenario's step was scheduled first, so it ran first.
  const steps = [...own, ...learner].sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
  const lastAt = steps.at(-1)?.at ?? 0;
  if (steps.length === 0 || run.endMs > lastAt) steps.push({ at: run.endMs, do: 'wait', ms: 0, note: 'exported here' });
  return parseScenario({
    version: 1,
    name: run.name,
    ...(run.description ? { description: run.description } : {}),
    seed: seed ?? 1,
    ...(Object.keys(settings).length ? { settings } : {}),
    steps,
  });
}
