import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { VirtualClock } from './clock.ts';

describe('virtual clock', () => {
  it('runs events in time order, ties in the order they were scheduled', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.schedule(20, () => void seen.push('b@20'));
    clock.schedule(10, () => void seen.push('a@10'));
    clock.schedule(20, () => void seen.push('c@20'));
    const cancelled = clock.schedule(15, () => void seen.push('cancelled'));
    clock.cancel(cancelled);
    await clock.runUntil(100);
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(100);
  });

  it('finishes an event’s async work before running the next one', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.schedule(0, async () => {
      await new Promise((r) => setImmediate(r));
      seen.push('slow@0');
    });
    clock.schedule(0, () => void seen.push('next@0'));
    await clock.runUntil(0);
    expect(seen).toEqual(['slow@0', 'next@0']);
  });

  it('steps one event at a time and does not move while nothing runs it', async () => {
    const clock = new VirtualClock();
    let n = 0;
    clock.schedule(500, () => {
      n++;
    });
    clock.schedule(900, () => {
      n++;
    });
    expect(await clock.step()).toBe(true);
    expect([clock.now(), n]).toEqual([500, 1]);
    expect(await clock.step()).toBe(true);
    expect(await clock.step()).toBe(false);
    expect([clock.now(), n]).toEqual([900, 2]);
  });

  it("drives xstate's delayed transitions on engine time", async () => {
    const machine = setup({}).createMachine({ initial: 'a', states: { a: { after: { 5000: 'b' } }, b: {} } });
    const clock = new VirtualClock();
    const actor = createActor(machine, { clock }).start();
    await clock.runUntil(4999);
    expect(actor.getSnapshot().value).toBe('a');
    await clock.runUntil(5000);
    expect(actor.getSnapshot().value).toBe('b');
  });
});
