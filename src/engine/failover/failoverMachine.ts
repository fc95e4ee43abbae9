/**
 * Automatic failover as an xstate v5 machine: a health monitor checks the primary every
 * interval; once `retries` checks in a row got no answer within the timeout, the primary
 * is declared dead and the phases run, each a state with its own duration on the virtual
 * clock: elect a candidate, promote it, re-point the other replicas, move the endpoint
 * clients use (the seed's DNS step), resume monitoring the new primary. The machine
 * decides when; the engine's hooks do the work and record it in the history.
 */
import { assign, setup } from 'xstate';

export interface HealthCheckSettings {
  /** Time between two health checks. */
  intervalMs: number;
  /** A check with no answer within this long has failed. */
  timeoutMs: number;
  /** Failed checks in a row that declare the primary dead (the seed: 3). */
  retries: number;
}

export interface FailoverTimings {
  /** Choosing a candidate (leader election). */
  electMs: number;
  /** Promoting it: replay what it received, stop replication, accept writes. */
  promoteMs: number;
  /** Pointing the other replicas at it. */
  repointMs: number;
  /** Moving the endpoint clients write to (DNS, a proxy, a virtual IP). */
  endpointMs: number;
}

/** What the machine asks of the engine. */
export interface FailoverHooks {
  primaryReachable(): boolean;
  checked(ok: boolean, failures: number): void;
  detected(): void;
  choose(): string | undefined;
  promote(candidate: string): void;
  repoint(candidate: string): void;
  moveEndpoint(candidate: string): void;
}

export interface FailoverContext {
  health: HealthCheckSettings;
  timings: FailoverTimings;
  enabled: boolean;
  failures: number;
  candidate: string | undefined;
  hooks: FailoverHooks;
}

export type FailoverEvent =
  | { type: 'SET_HEALTH_CHECK'; health: Partial<HealthCheckSettings> }
  | { type: 'SET_TIMINGS'; timings: Partial<FailoverTimings> }
  | { type: 'SET_ENABLED'; enabled: boolean };

export const failoverMachine = setup({
  types: {
    context: {} as FailoverContext,
    events: {} as FailoverEvent,
    input: {} as { health: HealthCheckSettings; timings: FailoverTimings; hooks: FailoverHooks },
  },
  delays: {
    checkInterval: ({ context }) => context.health.intervalMs,
    checkTimeout: ({ context }) => context.health.timeoutMs,
    /** Checks start every interval: after a failed one, wait out the rest of it. */
    checkRest: ({ context }) => Math.max(0, context.health.intervalMs - context.health.timeoutMs),
    elect: ({ context }) => context.timings.electMs,
    promote: ({ context }) => context.timings.promoteMs,
    repoint: ({ context }) => context.timings.repointMs,
    endpoint: ({ context }) => context.timings.endpointMs,
  },
  guards: {
    reachable: ({ context }) => context.hooks.primaryReachable(),
    enabled: ({ context }) => context.enabled,
    lastRetry: ({ context }) => context.failures + 1 >= context.health.retries,
    hasCandidate: ({ context }) => context.candidate !== undefined,
  },
  actions: {
    checkPassed: assign(({ context }) => {
      context.hooks.checked(true, 0);
      return { failures: 0 };
    }),
    checkFailed: assign(({ context }) => {
      context.hooks.checked(false, context.failures + 1);
      return { failures: context.failures + 1 };
    }),
    detected: ({ context }) => context.hooks.detected(),
    choose: assign(({ context }) => ({ candidate: context.hooks.choose() })),
    promote: ({ context }) => context.hooks.promote(context.candidate!),
    repoint: ({ context }) => context.hooks.repoint(context.candidate!),
    moveEndpoint: ({ context }) => context.hooks.moveEndpoint(context.candidate!),
    reset: assign({ failures: 0, candidate: undefined }),
    setEnabled: assign({ enabled: ({ event }) => (event.type === 'SET_ENABLED' ? event.enabled : true) }),
  },
}).createMachine({
  id: 'failover',
  context: ({ input }) => ({
    health: input.health,
    timings: input.timings,
    enabled: true,
    failures: 0,
    candidate: undefined,
    hooks: input.hooks,
  }),
  on: {
    SET_HEALTH_CHECK: { actions: assign({ health: ({ context, event }) => ({ ...context.health, ...event.health }) }) },
    SET_TIMINGS: { actions: assign({ timings: ({ context, event }) => ({ ...context.timings, ...event.timings }) }) },
    // Mid-failover, switching the manager off lets the failover finish; while monitoring,
    // it stops or restarts the checks (re-entering arms the check timer again).
    SET_ENABLED: { actions: 'setEnabled' },
  },
  initial: 'monitoring',
  states: {
    monitoring: {
      on: { SET_ENABLED: { target: 'monitoring', reenter: true, actions: ['setEnabled', 'reset'] } },
      after: { checkInterval: { target: 'checking', guard: 'enabled' } },
    },
    checking: {
      on: { SET_ENABLED: { target: 'monitoring', actions: ['setEnabled', 'reset'] } },
      always: { guard: 'reachable', target: 'monitoring', actions: 'checkPassed' },
      after: {
        checkTimeout: [
          { guard: 'lastRetry', target: 'electing', actions: ['checkFailed', 'detected'] },
          { target: 'resting', actions: 'checkFailed' },
        ],
      },
    },
    resting: {
      on: { SET_ENABLED: { target: 'monitoring', actions: ['setEnabled', 'reset'] } },
      after: { checkRest: { target: 'checking', guard: 'enabled' } },
    },
    electing: {
      after: { elect: 'choosing' },
    },
    choosing: {
      entry: 'choose',
      always: [
        { guard: 'hasCandidate', target: 'promoting' },
        { target: 'monitoring', actions: 'reset' },
      ],
    },
    promoting: {
      entry: 'promote',
      after: { promote: 'repointing' },
    },
    repointing: {
      entry: 'repoint',
      after: { repoint: 'movingEndpoint' },
    },
    movingEndpoint: {
      after: { endpoint: { target: 'monitoring', actions: ['moveEndpoint', 'reset'] } },
    },
  },
});
