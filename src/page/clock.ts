/**
 * The page's clock controls: play and pause, step, step back (a replay, see session.ts),
 * speed. They drive the clock driver, not the cluster: nothing here is journaled.
 */
import { describeError } from './format.ts';
import { clockBusy, rewindTo } from './session.ts';
import { currentLab, logActivity } from './store.ts';

export function togglePlay(): void {
  if (clockBusy()) return;
  currentLab()?.driver.toggle();
}

/** How far "Step back" goes (Left arrow). */
export const STEP_BACK_MS = 1000;

/** Steps back a second of engine time (a replay of the run so far; see session.ts). */
export async function stepBack(): Promise<void> {
  const lab = currentLab();
  if (!lab || clockBusy()) return;
  await rewindTo(lab.cluster.clock.now() - STEP_BACK_MS);
}

/** Pauses and runs the next scheduled engine event. */
export async function step(): Promise<void> {
  const lab = currentLab();
  if (!lab || clockBusy()) return;
  try {
    if (!(await lab.driver.step())) logActivity('info', 'Step: nothing is scheduled');
  } catch (err) {
    logActivity('error', `Step: ${describeError(err)}`);
  }
}

export function setSpeed(speed: number): void {
  currentLab()?.driver.setSpeed(speed);
}

/** The next speed up (or down) the list, within 0.25x-8x. */
export function faster(): void {
  currentLab()?.driver.faster();
}

export function slower(): void {
  currentLab()?.driver.slower();
}

export function pause(): void {
  currentLab()?.driver.pause();
}

/**
 * An error nothing caught (e.g. a node that stopped answering while replaying): the
 * driver's loop has stopped, so pause to make the page say so, and show the error.
 */
export function engineFailed(err: unknown): void {
  currentLab()?.driver.pause();
  logActivity('error', `Engine error, clock paused: ${describeError(err)}`);
}
