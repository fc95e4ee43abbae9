import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from './clock.ts';
import { ClockDriver } from './clockDriver.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('clock driver', () => {
  it('moves engine time with wall time at the chosen speed, and not at all while paused', async () => {
    vi.useFakeTimers();
    let wall = 0;
    const clock = new VirtualClock();
    const fired: number[] = [];
    clock.schedule(300, () => void fired.push(clock.now()));
    const driver = new ClockDriver(clock, 16, () => wall);
    driver.setSpeed(4);
    driver.play();
    for (let i = 0; i < 5; i++) {
      wall += 20;
      await vi.advanceTimersByTimeAsync(16);
    }
    expect(clock.now()).toBe(400);
    expect(fired).toEqual([300]);
    driver.pause();
    wall += 1000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(clock.now()).toBe(400);
  });

  it('steps exactly one event and pauses; speed stays within 0.25x-8x', async () => {
    const clock = new VirtualClock();
    clock.schedule(1000, () => {});
    clock.schedule(2000, () => {});
    const driver = new ClockDriver(clock, 16, () => 0);
    expect(await driver.step()).toBe(true);
    expect(clock.now()).toBe(1000);
    expect(driver.getState().paused).toBe(true);
    for (let i = 0; i < 10; i++) driver.faster();
    expect(driver.getState().speed).toBe(8);
    for (let i = 0; i < 10; i++) driver.slower();
    expect(driver.getState().speed).toBe(0.25);
  });

  it('stops exactly at the stop time, playing or stepping, and says so once', async () => {
    vi.useFakeTimers();
    let wall = 0;
    const clock = new VirtualClock();
    const fired: number[] = [];
    clock.schedule(100, () => void fired.push(clock.now()));
    clock.schedule(500, () => void fired.push(clock.now()));
    const driver = new ClockDriver(clock, 16, () => wall);
    const reached: number[] = [];
    driver.stopAt(250, () => reached.push(clock.now()));
    driver.setSpeed(8);
    driver.play();
    for (let i = 0; i < 5; i++) {
      wall += 20;
      await vi.advanceTimersByTimeAsync(16);
    }
    expect(clock.now()).toBe(250);
    expect(fired).toEqual([100]);
    expect(reached).toEqual([250]);
    expect(driver.getState().paused).toBe(true);

    // Stepping toward a stop whose time comes before the next event lands on the stop.
    driver.stopAt(400, () => reached.push(clock.now()));
    expect(await driver.step()).toBe(true);
    expect(clock.now()).toBe(400);
    expect(fired).toEqual([100]);
    expect(reached).toEqual([250, 400]);
    // No stop left: the next step runs the event at 500.
    await driver.step();
    expect(fired).toEqual([100, 500]);

    // A stop at the time of the last events: stepping through them reaches it, no extra press.
    clock.schedule(100, () => void fired.push(clock.now()));
    clock.schedule(100, () => void fired.push(clock.now()));
    driver.stopAt(600, () => reached.push(clock.now()));
    await driver.step();
    expect(reached).toEqual([250, 400]);
    await driver.step();
    expect(fired).toEqual([100, 500, 600, 600]);
    expect(reached).toEqual([250, 400, 600]);
  });
});
