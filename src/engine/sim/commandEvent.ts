/**
 * How a command runs on the virtual clock: as an event at the current engine time, whose
 * result may arrive in a later event (a `Later`, e.g. a client's ack after commitMs). Used
 * by the cluster facade and the client operations; knows nothing of nodes or the history.
 */
import type { VirtualClock } from './clock.ts';

/** A result that arrives in a later clock event. */
export class Later<T> {
  constructor(readonly promise: Promise<T>) {}
}

/**
 * Runs `work` as an event at the current engine time and resolves with its result. Work
 * that finishes later (a client's ack after commitMs) returns a Later: the event ends at
 * once and the promise resolves when the later event runs.
 */
export function runCommand<T>(
  clock: VirtualClock,
  label: string,
  work: () => T | Later<T> | Promise<T | Later<T>>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    clock.schedule(
      0,
      async () => {
        try {
          const result = await work();
          if (result instanceof Later) result.promise.then(resolve, reject);
          else resolve(result);
        } catch (err) {
          reject(err);
        }
      },
      label,
    );
  });
}

/**
 * Runs `work` as the event `delayMs` from now. Work that returns a promise keeps that event
 * open until it settles (e.g. a read's answer from its node, sent earlier).
 */
export function later<T>(clock: VirtualClock, delayMs: number, work: () => T | Promise<T>): Later<T> {
  return new Later(
    new Promise<T>((resolve, reject) =>
      clock.schedule(delayMs, () => {
        const result = work();
        if (result instanceof Promise) return result.then(resolve, reject);
        resolve(result);
      }),
    ),
  );
}
