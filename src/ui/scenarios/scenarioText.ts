/**
 * Scenarios in words for the page: a step as one line, which step the run has reached,
 * and the presets by name. Pure; no React.
 */
import { PRESETS } from '../../scenarios/presets/index.ts';
import { parseScenario, type Scenario, type Step, stepTimes } from '../../scenarios/schema.ts';

/** Every preset, parsed once, in the order the presets list them. */
export function presetScenarios(): { id: string; scenario: Scenario }[] {
  return Object.entries(PRESETS).map(([id, json]) => ({ id, scenario: parseScenario(json) }));
}

const SKIP = new Set(['at', 'do', 'note']);

/** `placeOrder user 1001, total 59.9, node replica-1`: the action and its fields, as written. */
export function describeStep(step: Step): string {
  const fields = Object.entries(step)
    .filter(([key, value]) => !SKIP.has(key) && value !== undefined)
    .map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return fields.length ? `${step.do} ${fields.join(', ')}` : step.do;
}

/**
 * The index of the last step that has run by engine time `nowMs` (-1 before the first).
 * Steps run exactly at their times, so this holds for a replayed run too.
 */
export function currentStep(scenario: Scenario, nowMs: number): number {
  const { times } = stepTimes(scenario.steps);
  let current = -1;
  times.forEach((at, i) => {
    if (at <= nowMs) current = i;
  });
  return current;
}
