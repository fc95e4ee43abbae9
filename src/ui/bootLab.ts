/**
 * Boots the app's cluster in the browser: a primary and its replicas, each a PGlite in
 * its own Web Worker, all sharing one download of the snapshot and one compiled wasm,
 * plus the clock driver that plays engine time in real time. No React and no store here:
 * main.tsx hands the result to the store.
 */
import { bootWorkerNode, loadWorkerAssets, type WorkerNodeAssets } from '../browser/workerNode.ts';
import { ClockDriver } from '../engine/clockDriver.ts';
import { Cluster, type NodeFactory } from '../engine/cluster.ts';
import type { SettingsInput } from '../engine/settings.ts';

export interface Lab {
  cluster: Cluster;
  driver: ClockDriver;
  /** Wall ms from calling bootLab to a running cluster. */
  bootMs: number;
  /** Wall ms from navigation start to a running cluster (what a visitor waits). */
  readyAtMs: number;
}

/** Each node gets its own worker, named after the node so devtools shows which is which. */
export function workerNodeFactory(assets: Promise<WorkerNodeAssets>): NodeFactory {
  return (name, role) => bootWorkerNode(role, { assets, names: [name] });
}

export async function bootLab(settings: SettingsInput = { replicas: 3 }): Promise<Lab> {
  const startedMs = performance.now();
  const assets = loadWorkerAssets();
  // Every node awaits (and reports) this; the no-op only stops a duplicate unhandled rejection.
  assets.catch(() => undefined);
  const cluster = await Cluster.boot(workerNodeFactory(assets), settings);
  const driver = new ClockDriver(cluster.clock);
  const readyAtMs = performance.now();
  return { cluster, driver, bootMs: readyAtMs - startedMs, readyAtMs };
}
