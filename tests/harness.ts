/**
 * Test helpers: boot a real cluster (in-process PGlite from the snapshot) and run its
 * clock. For tests only; never imported by the app.
 */

import { Cluster } from '../src/engine/cluster/cluster.ts';
import type { SettingsInput } from '../src/engine/cluster/settings.ts';
import { inProcessFactory } from '../src/platform/node/nodeFactory.ts';

export function bootCluster(input: SettingsInput = {}): Promise<Cluster> {
  return Cluster.boot(inProcessFactory, input);
}

/** Sends commands, runs the clock until they all complete, returns their results. */
export async function settle<T extends readonly unknown[]>(
  cluster: Cluster,
  ...work: { [K in keyof T]: Promise<T[K]> }
): Promise<T> {
  let done = false;
  const all = Promise.all(work).finally(() => {
    done = true;
  });
  await cluster.clock.runWhile(() => !done);
  return (await all) as unknown as T;
}
