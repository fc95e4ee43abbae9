/**
 * Automatic failover as an xstate v5 machine: a health monitor checks the primary every
 * interval; once `retries` checks in a row got no answer within the timeout, the primary
 * is declared dead and the phases run, each a state with its own duration on the virtual
 * clock: elect a candidate, promote it, re-point the other replicas, move the endpoint
 * clients use (the seed's DNS step), resume monitoring the new primary.
 *
 * The machine decides when; it does no work itself. The health check, the election, the
 * promotion and the re-pointing are named actors, the recording of what happened named
 * actions; the defaults below throw or do nothing, and the engine provides the real ones
 * with `failoverMachine.provide(...)` (tests provide stubs the same way). A promotion or a
 * re-pointing that fails is an error event the machine handles: it records the failure
 * and moves to a state of its own (`promotionFailed`, `repointFailed`).
 */
import {
  assign,
  type DoneActorEvent,
  type ErrorActorEvent,
  fromCallback,
  fromPromise,
  setup,
  spawnChild,
  stopChild,
} from 'xstate';

/**
 * The phases of a failover as the history records them (`failover.phase`), in order; the
 * one definition the history, the page and the UI's labels use. (`FailoverPhase`, in the
 * checker, is one phase that happened: a name with its time, node and detail.)
 */
export const FAILOVER_PHASES = ['detect', 'elect', 'no-candidate', 'promote', 'repoint', 'endpoint', 'failed'] as const;
export type FailoverPhaseName = (typeof FAILOVER_PHASES)[number];

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

/** A step of a failover that failed, as plain data (the machine keeps the latest). */
export interface FailoverFailure {
  step: 'promotion' | 'repointing';
  /** The candidate being promoted, or the new primary the replicas were pointed at. */
  node: string;
  message: string;
}

export interface FailoverContext {
  health: HealthCheckSettings;
  timings: FailoverTimings;
  enabled: boolean;
  failures: number;
  candidate: string | undefined;
  failure: FailoverFailure | undefined;
}

/** Ids of the promotion and re-pointing actors: their done and error events carry them. */
const PROMOTION = 'promotion';
const REPOINTING = 'repointing';

export type FailoverEvent =
  | { type: 'SET_HEALTH_CHECK'; health: Partial<HealthCheckSettings> }
  | { type: 'SET_TIMINGS'; timings: Partial<FailoverTimings> }
  | { type: 'SET_ENABLED'; enabled: boolean }
  /** The health check's answer: the primary replied in time. No answer is the timeout. */
  | { type: 'CHECK_OK' }
  /** The election's outcome. */
  | { type: 'ELECTED'; candidate: string }
  | { type: 'NO_CANDIDATE' }
  | DoneActorEvent<void, typeof PROMOTION>
  | ErrorActorEvent<unknown, typeof PROMOTION>
  | DoneActorEvent<void, typeof REPOINTING>
  | ErrorActorEvent<unknown, typeof REPOINTING>;

const notProvided = (name: string) => () => {
  throw new Error(`the failover machine's ${name} is provided by the engine`);
};

/** A failed step as plain data: the error's message, not the error. */
const failureOf = (step: FailoverFailure['step'], context: FailoverContext, error: unknown): FailoverFailure => ({
  step,
  node: context.candidate ?? '',
  message: error instanceof Error ? error.message : String(error),
});

/** A check with no answer: recorded after `countFailure`, with the new count. */
const checkFailed = {
  type: 'checked',
  params: ({ context }: { context: FailoverContext }) => ({ ok: false, failures: context.failures }),
} as const;

export const failoverMachine = setup({
  types: {
    context: {} as FailoverContext,
    events: {} as FailoverEvent,
    input: {} as { health: HealthCheckSettings; timings: FailoverTimings },
  },
  actors: {
    /** Probes the primary; sends CHECK_OK if it answers, nothing if not (the timeout decides). */
    healthCheck: fromCallback(notProvided('healthCheck')),
    /** Chooses the replica to promote; sends ELECTED or NO_CANDIDATE. */
    elect: fromCallback(notProvided('elect')),
    /** Promotes the candidate: it resolves once the candidate accepts writes. */
    promote: fromPromise<void, { candidate: string }>(async () => notProvided('promote')()),
    /** Points the other replicas at the new primary. */
    repoint: fromPromise<void, { candidate: string }>(async () => notProvided('repoint')()),
  },
  actions: {
    /** A health check's result (the engine records the failed ones). */
    checked: (_, _params: { ok: boolean; failures: number }) => {},
    /** The primary was declared dead. */
    detected: () => {},
    /** The endpoint clients write to now points at the new primary. */
    moveEndpoint: (_, _params: { candidate: string }) => {},
    /** A promotion or a re-pointing failed. */
    failed: (_, _params: FailoverFailure) => {},
    countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
    reset: assign({ failures: 0, candidate: undefined }),
    setEnabled: assign({ enabled: ({ event }) => (event.type === 'SET_ENABLED' ? event.enabled : true) }),
    setCandidate: assign({ candidate: ({ event }) => (event.type === 'ELECTED' ? event.candidate : undefined) }),
    setFailure: assign({ failure: (_, failure: FailoverFailure) => failure }),
  },
  guards: {
    enabled: ({ context }) => context.enabled,
    lastRetry: ({ context }) => context.failures + 1 >= context.health.retries,
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
}).createMachine({
  id: 'failover',
  context: ({ input }) => ({
    health: input.health,
    timings: input.timings,
    enabled: true,
    failures: 0,
    candidate: undefined,
    failure: undefined,
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
      invoke: { src: 'healthCheck' },
      on: {
        SET_ENABLED: { target: 'monitoring', actions: ['setEnabled', 'reset'] },
        CHECK_OK: { target: 'monitoring', actions: [{ type: 'checked', params: { ok: true, failures: 0 } }, 'reset'] },
      },
      // No answer within the timeout: a failed check, the machine's health-check failure.
      after: {
        checkTimeout: [
          { guard: 'lastRetry', target: 'electing', actions: ['countFailure', checkFailed, 'detected'] },
          { target: 'resting', actions: ['countFailure', checkFailed] },
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
      invoke: { src: 'elect' },
      on: {
        ELECTED: { target: 'promoting', actions: 'setCandidate' },
        NO_CANDIDATE: { target: 'monitoring', actions: 'reset' },
      },
    },
    // The promotion and the re-pointing are spawned on entry and stopped on exit, which is
    // what `invoke` does, but in the order the engine has always used: xstate starts an
    // invoked actor only after it has scheduled the state's own delayed transition, and on
    // the virtual clock that order breaks ties (a phase of 0 ms against what the work
    // schedules at 0 ms, such as fencing's node-down handling). The actor's promise is
    // tracked by the clock, so it settles before the next clock event: always before the
    // phase's timer fires, and its done or error event arrives at the time the phase began.
    // Success changes nothing (the phase keeps its own duration); failure is a state.
    promoting: {
      entry: spawnChild('promote', { id: PROMOTION, input: ({ context }) => ({ candidate: context.candidate! }) }),
      exit: stopChild(PROMOTION),
      on: {
        'xstate.error.actor.promotion': {
          target: 'promotionFailed',
          actions: [
            { type: 'setFailure', params: ({ context, event }) => failureOf('promotion', context, event.error) },
            { type: 'failed', params: ({ context, event }) => failureOf('promotion', context, event.error) },
          ],
        },
      },
      after: { promote: 'repointing' },
    },
    // Patroni does not give up after a failed promotion: its HA loop logs the error and runs
    // again every loop_wait, re-deciding who should lead, and only a human pauses it. So
    // the manager records the failure and goes on monitoring the primary it had: missed
    // checks declare it dead again and a new election runs (without the candidate if the
    // failed promotion took it out of replication). This state is that first wait.
    promotionFailed: {
      entry: 'reset',
      on: { SET_ENABLED: { target: 'monitoring', actions: ['setEnabled', 'reset'] } },
      after: { checkInterval: { target: 'checking', guard: 'enabled' } },
    },
    repointing: {
      entry: spawnChild('repoint', { id: REPOINTING, input: ({ context }) => ({ candidate: context.candidate! }) }),
      exit: stopChild(REPOINTING),
      on: {
        'xstate.error.actor.repointing': {
          target: 'repointFailed',
          actions: [
            { type: 'setFailure', params: ({ context, event }) => failureOf('repointing', context, event.error) },
            { type: 'failed', params: ({ context, event }) => failureOf('repointing', context, event.error) },
          ],
        },
      },
      after: { repoint: 'movingEndpoint' },
    },
    // The candidate is the primary already and accepts writes: a replica that could not
    // follow it (pg_rewind refused) needs a fresh copy, but holding the endpoint back for
    // it would keep every client down. So the failover goes on, on the same timing (the
    // error arrives when re-pointing began), and the failure stays in the history.
    repointFailed: {
      after: { repoint: 'movingEndpoint' },
    },
    movingEndpoint: {
      after: {
        endpoint: {
          target: 'monitoring',
          actions: [{ type: 'moveEndpoint', params: ({ context }) => ({ candidate: context.candidate! }) }, 'reset'],
        },
      },
    },
  },
});
