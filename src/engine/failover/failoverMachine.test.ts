import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../sim/clock.ts';
import { type FailoverHooks, failoverMachine } from './failoverMachine.ts';

function harness(reachable: () => boolean, candidate: string | null = 'replica-1') {
  const clock = new VirtualClock();
  const log: string[] = [];
  const hooks: FailoverHooks = {
    primaryReachable: reachable,
    checked: (ok, failures) => void log.push(`${clock.now()} check ${ok ? 'ok' : `failed ${failures}`}`),
    detected: () => void log.push(`${clock.now()} detected`),
    choose: () => {
      log.push(`${clock.now()} choose`);
      return candidate ?? undefined;
    },
    promote: (c) => void log.push(`${clock.now()} promote ${c}`),
    repoint: (c) => void log.push(`${clock.now()} repoint ${c}`),
    moveEndpoint: (c) => void log.push(`${clock.now()} endpoint ${c}`),
  };
  const actor = createActor(failoverMachine, {
    clock,
    input: {
      health: { intervalMs: 1000, timeoutMs: 300, retries: 3 },
      timings: { electMs: 200, promoteMs: 400, repointMs: 100, endpointMs: 500 },
      hooks,
    },
  }).start();
  return { clock, log, actor };
}

describe('failover machine', () => {
  it('declares the primary dead after the retries in a row fail, then runs each phase for its time', async () => {
    const { clock, log } = harness(() => false);
    await clock.runUntil(6000);
    expect(log).toEqual([
      '1300 check failed 1',
      '2300 check failed 2',
      '3300 check failed 3',
      '3300 detected',
      '3500 choose',
      '3500 promote replica-1',
      '3900 repoint replica-1',
      '4500 endpoint replica-1',
      '5800 check failed 1',
    ]);
  });

  it('resets the count when a check passes, and does nothing without a candidate', async () => {
    let up = false;
    const { clock, log, actor } = harness(() => up, null);
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
    const { clock, log, actor } = harness(() => false);
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
});
