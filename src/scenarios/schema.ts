/**
 * The scenario file format, version 1: a public contract that instructors write by hand.
 * Validation names the step, the action and the field that is wrong. New actions and
 * fields may be added; existing names never change. Documented in README.md.
 */
import { z } from 'zod';
import {
  MAX_LAG_MS,
  MAX_REPLICAS,
  PROMOTION_POLICIES,
  parseStandbyNames,
  READ_POLICIES,
  RYW_STRATEGIES,
  SYNC_LEVELS,
} from '../engine/index.ts';

export const SCENARIO_VERSION = 1;

const NODE_NAME = /^(primary|current-primary|standby|replica-[1-9]\d*)$/;
const REPLICA_NAME = /^replica-[1-9]\d*$/;

const node = z
  .string()
  .regex(NODE_NAME, 'expected a node name: "primary", "current-primary", "standby" or "replica-N"');
const replica = z.string().regex(REPLICA_NAME, 'expected a replica name such as "replica-1"');
const user = z.number().int('expected a whole number (a user id such as 1001)');
const appServer = z.string().regex(/^app-[1-9]\d*$/, 'expected an app server name such as "app-1"');
const perSec = z.number().min(0, 'expected 0 or more per second').max(5000, 'expected at most 5000 per second');
const ms = z.number().min(0, 'expected 0 or more milliseconds');
const lagMs = ms.max(MAX_LAG_MS, `expected at most ${MAX_LAG_MS} ms`);

const common = {
  /** Engine ms from the start; without it, the step runs right after the previous one. */
  at: ms.optional(),
  /** Free text shown while the step runs (what the instructor wants the class to notice). */
  note: z.string().optional(),
};

/** Every action, by its `do` name, with its own fields. */
export const ACTIONS = {
  placeOrder: z.strictObject({
    ...common,
    do: z.literal('placeOrder'),
    user,
    total: z.number().positive('expected a positive amount'),
    node: node.optional(),
    via: appServer.optional(),
  }),
  readOrders: z.strictObject({
    ...common,
    do: z.literal('readOrders'),
    user,
    node: node.optional(),
    via: appServer.optional(),
  }),
  browse: z.strictObject({
    ...common,
    do: z.literal('browse'),
    user: user.optional(),
    category: z.enum(['Electronics', 'Fashion', 'Home & Kitchen', 'Books & Media']).optional(),
    node: node.optional(),
    via: appServer.optional(),
  }),
  analyticsQuery: z.strictObject({ ...common, do: z.literal('analyticsQuery') }),
  setReadPolicy: z.strictObject({ ...common, do: z.literal('setReadPolicy'), policy: z.enum(READ_POLICIES) }),
  setRywStrategy: z.strictObject({
    ...common,
    do: z.literal('setRywStrategy'),
    strategy: z.enum(RYW_STRATEGIES),
    windowMs: ms.optional(),
    timeoutMs: ms.optional(),
    maxLagMs: ms.optional(),
    /** Only for this kind of data (the seed: orders sticky, reviews optimistic); default all. */
    kind: z.enum(['orders', 'products']).optional(),
  }),
  setSessionStore: z.strictObject({
    ...common,
    do: z.literal('setSessionStore'),
    store: z.enum(['per-app-server', 'shared']),
  }),
  startLoad: z.strictObject({
    ...common,
    do: z.literal('startLoad'),
    writesPerSec: perSec.optional(),
    readsPerSec: perSec.optional(),
    users: z.number().int().min(1).max(20, 'the shop has 20 users (1000-1019)').optional(),
  }),
  stopLoad: z.strictObject({ ...common, do: z.literal('stopLoad') }),
  partition: z.strictObject({ ...common, do: z.literal('partition'), node }),
  heal: z.strictObject({ ...common, do: z.literal('heal'), node: node.optional() }),
  setHealthCheck: z.strictObject({
    ...common,
    do: z.literal('setHealthCheck'),
    intervalMs: ms.optional(),
    timeoutMs: ms.optional(),
    retries: z.number().int().min(1).optional(),
  }),
  setFailoverTimings: z.strictObject({
    ...common,
    do: z.literal('setFailoverTimings'),
    electMs: ms.optional(),
    promoteMs: ms.optional(),
    repointMs: ms.optional(),
    endpointMs: ms.optional(),
  }),
  setPromotionPolicy: z.strictObject({
    ...common,
    do: z.literal('setPromotionPolicy'),
    policy: z.enum(PROMOTION_POLICIES),
    maxLagBytes: z.number().int().min(0).optional(),
  }),
  setFencing: z.strictObject({ ...common, do: z.literal('setFencing'), on: z.boolean() }),
  setAutoFailover: z.strictObject({ ...common, do: z.literal('setAutoFailover'), on: z.boolean() }),
  setMode: z.strictObject({
    ...common,
    do: z.literal('setMode'),
    mode: z.enum(['async', 'semi-sync', 'sync']),
    /** semi-sync: fall back to async after this long with no replica (MySQL: 10,000). */
    timeoutMs: ms.optional(),
    /** sync: synchronous_commit. */
    level: z.enum(SYNC_LEVELS).optional(),
    /** sync: synchronous_standby_names, e.g. "FIRST 1 (replica-1)" or "ANY 2 (replica-1, replica-2)". */
    standbys: z.string().optional(),
    kind: z.enum(['orders', 'products']).optional(),
  }),
  setLag: z.strictObject({ ...common, do: z.literal('setLag'), node: replica, ms: lagMs }),
  setApplyDelay: z.strictObject({ ...common, do: z.literal('setApplyDelay'), node: replica, ms }),
  setApplyRate: z.strictObject({
    ...common,
    do: z.literal('setApplyRate'),
    node: replica,
    perSec: z.number().positive('expected transactions per second above 0'),
  }),
  disconnect: z.strictObject({ ...common, do: z.literal('disconnect'), node: replica }),
  reconnect: z.strictObject({ ...common, do: z.literal('reconnect'), node: replica }),
  killNode: z.strictObject({ ...common, do: z.literal('killNode'), node }),
  restartNode: z.strictObject({ ...common, do: z.literal('restartNode'), node }),
  wait: z.strictObject({ ...common, do: z.literal('wait'), ms }),
} as const;

export type ActionName = keyof typeof ACTIONS;
export type Step = { [K in ActionName]: z.infer<(typeof ACTIONS)[K]> }[ActionName];

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

function shown(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function fieldPath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.');
}

function issueText(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  let value: unknown = input;
  for (const p of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[p];
  const field = fieldPath(issue.path);
  return `field "${field}": ${issue.message} (got ${shown(value)})`;
}

/** Edit distance, to suggest the action a typo meant. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function validateStep(raw: unknown, index: number, problems: string[]): Step | undefined {
  const where = `step ${index + 1}`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${where}: expected an object like {"at": 0, "do": "placeOrder", ...}, got ${shown(raw)}`);
    return undefined;
  }
  const action = (raw as { do?: unknown }).do;
  if (typeof action !== 'string' || !(action in ACTIONS)) {
    const known = Object.keys(ACTIONS);
    const guess =
      typeof action === 'string' ? known.find((k) => distance(k.toLowerCase(), action.toLowerCase()) <= 2) : undefined;
    problems.push(
      `${where}: ${action === undefined ? 'missing "do"' : `unknown action "do": ${shown(action)}`}` +
        `${guess ? ` (did you mean "${guess}"?)` : ''}; actions: ${known.join(', ')}`,
    );
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

function checkSteps(steps: Step[], replicas: number, appServers: number, standby: boolean, problems: string[]): void {
  let previousAt = 0;
  steps.forEach((step, i) => {
    const where = `step ${i + 1} (${step.do})`;
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
    checkSteps(steps as Step[], replicas, settings?.appServers ?? 3, settings?.standby ?? false, problems);
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return { ...shape.data, version: SCENARIO_VERSION, steps: steps as Step[] };
}

/** Parses scenario text (a file's contents); JSON syntax errors are reported clearly too. */
export function parseScenarioText(text: string, source = 'scenario'): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError([`${source} is not valid JSON: ${(err as Error).message}`]);
  }
  return parseScenario(json);
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
