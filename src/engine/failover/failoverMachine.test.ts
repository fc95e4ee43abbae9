/**
 * The failover machine alone, on a virtual clock: its effects are stubs given with
 * `.provide()`, so the tests pin when each phase runs and what a failed promotion or
 * re-pointing does, without a cluster.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise } from 'xstate';
import { VirtualClock } from '../sim/clock.ts';
import { failoverMachine } from './failoverMachine.ts';

interface Stubs {
  reachable: () => boolean;
  candidate?: string | null;
  /** The promotion's and the re-pointing's work (resolves by default). */
  promote?: (candidate: string) => Promise<void>;
  repoint?: (candidate: string) => Promise<void>;
}

function harness({ reachable, candidate = 'replica-1', promote, repoint }: Stubs) {
  const clock = new VirtualClock();
  const log: string[] = [];
  const note = (line: string) => void log.push(`${clock.now()} ${line}`);
  const machine = failoverMachine.provide({
    actors: {
      healthCheck: fromCallback(({ sendBack }) => {
        if (reachable()) sendBack({ type: 'CHECK_OK' });
      }),
      elect: fromCallback(({ sendBack }) => {
        note('choose');
        sendBack(candidate ? { type: 'ELECTED', candidate } : { type: 'NO_CANDIDATE' });
      }),
      promote: fromPromise(({ input }) => {
        note(`promote ${input.candidate}`);
        return clock.track(promote?.(input.candidate) ?? Promise.resolve());
      }),
      repoint: fromPromise(({ input }) => {
        note(`repoint ${input.candidate}`);
        return clock.track(repoint?.(input.candidate) ?? Promise.resolve());
      }),
    },
    actions: {
      checked: (_, { ok, failures }) => note(`check ${ok ? 'ok' : `failed ${failures}`}`),
      detected: () => note('detected'),
      moveEndpoint: (_, { candidate: c }) => note(`endpoint ${c}`),
      failed: (_, { step, node, message }) => note(`${step} of ${node} failed: ${message}`),
    },
  });
  const actor = createActor(machine, {
    clock,
    input: {
      health: { intervalMs: 1000, timeoutMs: 300, retries: 3 },
      timings: { electMs: 200, promoteMs: 400, repointMs: 100, endpointMs: 500 },
    },
  }).start();
  const states: string[] = [];
  actor.subscribe((s) => {
    const value = String(s.value);
    if (states.at(-1) !== `${clock.now()} ${value}`) states.push(`${clock.now()} ${value}`);
  });
  return { clock, log, actor, states };
}

/** Three missed checks a second apart, detection, election and the promotion's start. */
const UNTIL_PROMOTION = [
  '1300 check failed 1',
  '2300 check failed 2',
  '3300 check failed 3',
  '3300 detected',
  '3500 choose',
  '3500 promote replica-1',
];

describe('failover machine', () => {
  it('declares the primary dead after the retries in a row fail, then runs each phase for its time', async () => {
    const { clock, log, actor } = harness({ reachable: () => false });
    await clock.runUntil(6000);
    expect(log).toEqual([
      ...UNTIL_PROMOTION,
      '3900 repoint replica-1',
      '4500 endpoint replica-1',
      '5800 check failed 1',
    ]);
    expect(actor.getSnapshot().context.failure).toBeUndefined();
  });

  it('resets the count when a check passes, and does nothing without a candidate', async () => {
    let up = false;
    const { clock, log, actor } = harness({ reachable: () => up, candidate: null });
    await clock.runUntil(2400);
    up = true;
    await clock.runUntil(3100);
    up = false;
    await clock.runUntil(7400);
    expect(log.filter((l) => l.includes('failed') || l.includes('ok'))).toEqual([
      '1300 check failed 1',
      '2300 check failed 2',
      '3000 check ok',
      '4300 check failed 1',
      '5300 check failed 2',
      '6300 check failed 3',
    ]);
    expect(log).toContain('6500 choose');
    expect(log.some((l) => l.includes('promote'))).toBe(false);
    expect(actor.getSnapshot().value).not.toBe('promoting');
  });

  it('stops checking when switched off and starts again when switched back on', async () => {
    const { clock, log, actor } = harness({ reachable: () => false });
    await clock.runUntil(1500);
    actor.send({ type: 'SET_ENABLED', enabled: false });
    await clock.runUntil(3000);
    actor.send({ type: 'SET_ENABLED', enabled: true });
    await clock.runUntil(6000);
    expect(log.filter((l) => l.includes('check'))).toEqual([
      '1300 check failed 1',
      '4300 check failed 1',
      '5300 check failed 2',
    ]);
  });

  it('waits for a promotion that takes no time before its 0 ms phase ends', async () => {
    let finished = '';
    const { clock, log, actor } = harness({
      reachable: () => false,
      promote: async () => {
        await Promise.resolve();
        finished = `${clock.now()} promoted`;
        log.push(finished);
      },
    });
    actor.send({ type: 'SET_TIMINGS', timings: { promoteMs: 0 } });
    await clock.runUntil(3500);
    expect(finished).toBe('3500 promoted');
    expect(log.slice(-3)).toEqual(['3500 promote replica-1', '3500 promoted', '3500 repoint replica-1']);
  });

  it('records a failed promotion, waits a check interval, then checks and elects again', async () => {
    let attempts = 0;
    const { clock, log, actor, states } = harness({
      reachable: () => false,
      promote: async (c) => {
        attempts++;
        if (attempts === 1) throw new Error(`${c} cannot leave recovery`);
      },
    });
    await clock.runUntil(3600);
    expect(actor.getSnapshot().value).toBe('promotionFailed');
    expect(actor.getSnapshot().context).toMatchObject({
      candidate: undefined,
      failures: 0,
      failure: { step: 'promotion', node: 'replica-1', message: 'replica-1 cannot leave recovery' },
    });
    await clock.runUntil(9000);
    expect(log).toEqual([
      ...UNTIL_PROMOTION,
      '3500 promotion of replica-1 failed: replica-1 cannot leave recovery',
      // The failure is the first wait: checks resume an interval later.
      '4800 check failed 1',
      '5800 check failed 2',
      '6800 check failed 3',
      '6800 detected',
      '7000 choose',
      '7000 promote replica-1',
      '7400 repoint replica-1',
      '8000 endpoint replica-1',
    ]);
    expect(states).toContain('3500 promotionFailed');
    expect(states.some((s) => s.startsWith('3900'))).toBe(false); // its phase timer was cancelled
  });

  it('records a failed re-pointing and still moves the endpoint on time', async () => {
    const { clock, log, actor } = harness({
      reachable: () => false,
      repoint: async () => {
        throw new Error('replica-2: cannot be rewound');
      },
    });
    await clock.runUntil(3950);
    expect(actor.getSnapshot().value).toBe('repointFailed');
    await clock.runUntil(6000);
    expect(log.slice(5, 9)).toEqual([
      '3500 promote replica-1',
      '3900 repoint replica-1',
      '3900 repointing of replica-1 failed: replica-2: cannot be rewound',
      '4500 endpoint replica-1',
    ]);
    expect(actor.getSnapshot().context.failure).toMatchObject({ step: 'repointing', node: 'replica-1' });
  });
});
