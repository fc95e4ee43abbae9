/**
 * The scenario file format, version 1: a public contract that instructors write by hand.
 * Validation names the step, the action and the field that is wrong. New actions and
 * fields may be added; existing names never change. Documented in README.md.
 */
import { z } from 'zod';
import {
  COMMANDS,
  type Command,
  type CommandName,
  issueText,
  MAX_LAG_MS,
  MAX_REPLICAS,
  MAX_USERS,
  parseStandbyNames,
  SNAPSHOT_USERS,
  settingsProblems,
  shown,
  unknownActionText,
} from '../engine/index.ts';

export const SCENARIO_VERSION = 1;

const ms = z.number().min(0, 'expected 0 or more milliseconds');
const lagMs = ms.max(MAX_LAG_MS, `expected at most ${MAX_LAG_MS} ms`);

const common = {
  /** Engine ms from the start; without it, the step runs right after the previous one. */
  at: ms.optional(),
  /** Free text shown while the step runs (what the instructor wants the class to notice). */
  note: z.string().optional(),
};

/** A step that only lets time pass (scenario files only; not a cluster command). */
const wait = z.strictObject({ do: z.literal('wait'), ms });

/**
 * Every action a step may take, by its `do` name: each cluster command (the engine's one
 * definition, src/engine/commands/schema.ts) with `at` and `note`, and `wait`.
 */
export type ActionName = CommandName | 'wait';

/** A step: a command (or a wait), when it runs, and what the instructor wants noticed. */
export type Step = (Command | { do: 'wait'; ms: number }) & { at?: number; note?: string };

export const ACTIONS: Record<ActionName, z.ZodObject> = {
  ...(Object.fromEntries(
    Object.entries(COMMANDS).map(([k, schema]) => [k, (schema as z.ZodObject).extend(common)]),
  ) as unknown as Record<CommandName, z.ZodObject>),
  wait: wait.extend(common),
};

/** A scenario step's command: the step without its timing and note (undefined for `wait`). */
export function stepCommand(step: Step): Command | undefined {
  if (step.do === 'wait') return undefined;
  const { at: _at, note: _note, ...command } = step;
  return command as Command;
}

const perReplica = (schema: z.ZodNumber) => z.union([schema, z.array(schema).min(1, 'expected one value per replica')]);

export const SettingsSchema = z.strictObject({
  replicas: z.number().int().min(1).max(MAX_REPLICAS, `at most ${MAX_REPLICAS} replicas`).optional(),
  lagMs: perReplica(lagMs).optional(),
  jitterMs: perReplica(ms).optional(),
  applyDelayMs: perReplica(ms).optional(),
  applyRatePerSec: perReplica(z.number().positive()).optional(),
  commitMs: ms.optional(),
  readMs: ms.optional(),
  restartMs: ms.optional(),
  appServers: z.number().int().min(1).max(5).optional(),
  /** How many customers the shop has: user ids 1000 and up (default 20). */
  users: z.number().int().min(1).max(MAX_USERS, `at most ${MAX_USERS} users`).optional(),
  /** RDS Multi-AZ: add a hidden synchronous standby that failover promotes. */
  standby: z.boolean().optional(),
  healthCheck: z
    .strictObject({ intervalMs: ms.optional(), timeoutMs: ms.optional(), retries: z.number().int().min(1).optional() })
    .optional(),
  failoverTimings: z
    .strictObject({
      electMs: ms.optional(),
      promoteMs: ms.optional(),
      repointMs: ms.optional(),
      endpointMs: ms.optional(),
    })
    .optional(),
  analyticsCostMs: ms.optional(),
});

const ScenarioShape = z.strictObject({
  version: z.literal(SCENARIO_VERSION, `expected 1 (the only scenario format version so far)`),
  name: z.string().min(1, 'give the scenario a name'),
  description: z.string().optional(),
  seed: z.number().int().optional(),
  settings: SettingsSchema.optional(),
  steps: z.array(z.unknown()).min(1, 'a scenario needs at least one step'),
});

export type ScenarioSettings = z.infer<typeof SettingsSchema>;

export interface Scenario {
  version: 1;
  name: string;
  description?: string;
  seed?: number;
  settings?: ScenarioSettings;
  steps: Step[];
}

export class ScenarioError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n- ${problems.join('\n- ')}`);
    this.name = 'ScenarioError';
  }
}

function validateStep(raw: unknown, index: number, problems: string[]): Step | undefined {
  return validateAction(raw, `step ${index + 1}`, `step ${index + 1}`, problems);
}

/**
 * Validates one action (a scenario step, or a lesson step's action): problems with its shape
 * or its `do` are named at `at`, problems with a field at `where (action)`.
 */
export function validateAction(raw: unknown, at: string, where: string, problems: string[]): Step | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${at}: expected an object like {"at": 0, "do": "placeOrder", ...}, got ${shown(raw)}`);
    return undefined;
  }
  const action = (raw as { do?: unknown }).do;
  if (typeof action !== 'string' || !Object.hasOwn(ACTIONS, action)) {
    problems.push(`${at}: ${unknownActionText(action, Object.keys(ACTIONS))}`);
    return undefined;
  }
  const parsed = ACTIONS[action as ActionName].safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${where} (${action}): ${issueText(issue, raw)}`);
    return undefined;
  }
  return parsed.data as Step;
}

/** Checks that need the whole file: nodes that exist, times that only move forward. */
/** Which setRywStrategy parameter belongs to which strategy. */
const STRATEGY_PARAMETERS = { windowMs: 'time-window', timeoutMs: 'lsn-wait', maxLagMs: 'lag-aware' } as const;

function checkSteps(steps: Step[], settings: ScenarioSettings | undefined, problems: string[]): void {
  const replicas = settings?.replicas ?? 3;
  const appServers = settings?.appServers ?? 3;
  const standby = settings?.standby ?? false;
  let previousAt = 0;
  steps.forEach((step, i) => {
    const where = `step ${i + 1} (${step.do})`;
    const command = stepCommand(step);
    for (const p of command ? settingsProblems(command, settings?.users ?? SNAPSHOT_USERS) : []) {
      problems.push(`${where}: ${p}`);
    }
    if ('node' in step && step.node === 'standby' && !standby) {
      problems.push(`${where}: field "node": there is no "standby" in this scenario (set "settings.standby": true)`);
    }
    if ('via' in step && step.via) {
      if (Number(step.via.slice('app-'.length)) > appServers) {
        problems.push(`${where}: field "via": there is no "${step.via}" (app servers: app-1..app-${appServers})`);
      }
      if ('node' in step && step.node) {
        problems.push(`${where}: give "via" (an app server) or "node" (straight to a database), not both`);
      }
    }
    if (step.do === 'setMode') {
      if (step.timeoutMs !== undefined && step.mode !== 'semi-sync') {
        problems.push(`${where}: field "timeoutMs" applies only to mode "semi-sync", not "${step.mode}"`);
      }
      for (const field of ['level', 'standbys'] as const) {
        if (step[field] !== undefined && step.mode !== 'sync') {
          problems.push(`${where}: field "${field}" applies only to mode "sync", not "${step.mode}"`);
        }
      }
      if (step.mode === 'sync') {
        try {
          const names = parseStandbyNames(step.standbys ?? 'FIRST 1 (replica-1)').names;
          const unknown = names.filter(
            (n) => !(n === 'standby' && standby) && (!/^replica-[1-9]\d*$/.test(n) || Number(n.slice(8)) > replicas),
          );
          if (unknown.length)
            problems.push(`${where}: field "standbys": no such replica ${unknown.map((n) => `"${n}"`).join(', ')}`);
        } catch (err) {
          problems.push(`${where}: field "standbys": ${(err as Error).message}`);
        }
      }
    }
    if (step.do === 'setRywStrategy') {
      for (const [field, owner] of Object.entries(STRATEGY_PARAMETERS)) {
        if (field in step && step.strategy !== owner) {
          problems.push(`${where}: field "${field}" applies only to the "${owner}" strategy, not "${step.strategy}"`);
        }
      }
    }
    if ('node' in step && step.node?.startsWith('replica-')) {
      const n = Number(step.node.slice('replica-'.length));
      if (n > replicas) {
        problems.push(
          `${where}: field "node": there is no "${step.node}" in this scenario (it has ${replicas} replica${replicas > 1 ? 's' : ''}: replica-1..replica-${replicas}; set "settings.replicas" for more)`,
        );
      }
    }
    if (step.at !== undefined) {
      if (step.at < previousAt) {
        problems.push(
          `${where}: field "at": ${step.at} is earlier than the step before it (at ${previousAt}); steps run in the order written`,
        );
      }
      previousAt = step.at;
    }
    if (step.do === 'wait') previousAt += step.ms;
  });
}

/** Validates a parsed JSON value as a scenario; throws ScenarioError naming every problem. */
export function parseScenario(input: unknown): Scenario {
  const problems: string[] = [];
  const shape = ScenarioShape.safeParse(input);
  if (!shape.success) {
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      throw new ScenarioError([`a scenario is a JSON object with "version", "name" and "steps", got ${shown(input)}`]);
    }
    for (const issue of shape.error.issues) problems.push(issueText(issue, input));
    throw new ScenarioError(problems);
  }
  const steps = shape.data.steps.map((s, i) => validateStep(s, i, problems));
  const replicas = shape.data.settings?.replicas ?? 3;
  const lagArrays = (['lagMs', 'jitterMs', 'applyDelayMs', 'applyRatePerSec'] as const).filter((k) =>
    Array.isArray(shape.data.settings?.[k]),
  );
  for (const k of lagArrays) {
    const values = shape.data.settings?.[k] as number[];
    if (values.length !== replicas) {
      problems.push(
        `field "settings.${k}": ${values.length} values for ${replicas} replicas; give one per replica, or one number for all`,
      );
    }
  }
  if (problems.length === 0) {
    const settings = shape.data.settings;
    checkSteps(steps as Step[], settings, problems);
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return { ...shape.data, version: SCENARIO_VERSION, steps: steps as Step[] };
}

/** Parses scenario text (a file's contents); JSON syntax errors are reported clearly too. */
export function parseScenarioText(text: string, source = 'scenario'): Scenario {
  return parseScenario(parseJsonText(text, source));
}

/**
 * A file's text as JSON, within the format's size and nesting limits (checked before and
 * while parsing); `kind` and `needs` say what the file should be and how deep that nests.
 */
export function parseJsonText(text: string, source: string, kind = 'a scenario', needs = 4): unknown {
  if (text.length > MAX_SCENARIO_BYTES) throw new ScenarioError([tooLarge(source, text.length)]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError([`${source} is not valid JSON: ${(err as Error).message}`]);
  }
  if (depthOf(json) > MAX_SCENARIO_DEPTH) {
    throw new ScenarioError([
      `${source} nests objects and arrays more than ${MAX_SCENARIO_DEPTH} deep; ${kind} needs ${needs}, so this is not one`,
    ]);
  }
  return json;
}

/** A scenario file larger than this is refused before it is parsed (the presets are a few kB). */
export const MAX_SCENARIO_BYTES = 2_000_000;
/** How deep objects and arrays may nest in a scenario file. */
export const MAX_SCENARIO_DEPTH = 32;

export function tooLarge(source: string, bytes: number): string {
  return `${source} is ${(bytes / 1e6).toFixed(1)} MB; a scenario file may be at most ${MAX_SCENARIO_BYTES / 1e6} MB`;
}

/** How deeply `value` nests (without recursion, so a hostile file cannot overflow the stack). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_SCENARIO_DEPTH) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Engine time at which each step runs: `at`, or right after the previous step (and its wait). */
export function stepTimes(steps: Step[]): { times: number[]; endMs: number } {
  let cursor = 0;
  const times = steps.map((step) => {
    const at = step.at ?? cursor;
    cursor = at + (step.do === 'wait' ? step.ms : 0);
    return at;
  });
  return { times, endMs: cursor };
}
