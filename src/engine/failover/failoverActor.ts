/**
 * The failover machine wired to the orchestrator: the machine decides when (health
 * checks, phase durations on the virtual clock), the orchestrator does the work. The
 * promotion and re-pointing promises are tracked so the clock waits for them before its
 * next event; a rejection becomes the machine's failure state (see failoverMachine.ts).
 */
import { createActor, fromCallback, fromPromise } from 'xstate';
import type { VirtualClock } from '../sim/clock.ts';
import { type FailoverTimings, failoverMachine, type HealthCheckSettings } from './failoverMachine.ts';
import type { FailoverOrchestrator } from './orchestrator.ts';

export function createFailoverActor(
  clock: VirtualClock,
  failover: FailoverOrchestrator,
  settings: { healthCheck: HealthCheckSettings; failoverTimings: FailoverTimings },
) {
  const logic = failoverMachine.provide({
    actors: {
      healthCheck: fromCallback(({ sendBack }) => {
        if (failover.primaryReachable()) sendBack({ type: 'CHECK_OK' });
      }),
      elect: fromCallback(({ sendBack }) => {
        const candidate = failover.chooseCandidate();
        sendBack(candidate === undefined ? { type: 'NO_CANDIDATE' } : { type: 'ELECTED', candidate });
      }),
      promote: fromPromise(({ input }) => clock.track(failover.promote(input.candidate))),
      repoint: fromPromise(({ input }) => clock.track(failover.repoint(input.candidate))),
    },
    actions: {
      checked: (_, { ok, failures }) => failover.checked(ok, failures),
      detected: () => failover.detected(),
      moveEndpoint: (_, { candidate }) => failover.moveEndpoint(candidate),
      failed: (_, { step, node, message }) => failover.failed(step, node, message),
    },
  });
  return createActor(logic, { clock, input: { health: settings.healthCheck, timings: settings.failoverTimings } });
}

export type FailoverActor = ReturnType<typeof createFailoverActor>;
