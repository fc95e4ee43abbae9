/**
 * Boots the app's cluster in the browser: a primary and its replicas, each a PGlite in
 * its own Web Worker, all sharing one download of the snapshot and one compiled wasm,
 * plus the clock driver that plays engine time in real time. No React and no store here:
 * main.tsx hands the result to the store.
 */

import { ClockDriver, Cluster, type NodeFactory, type SettingsInput } from '../engine/index.ts';
import { bootWorkerNode, loadWorkerAssets, type WorkerNodeAssets } from '../platform/browser/workerNode.ts';

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

/** Builds a cluster from a node factory: a fresh boot, a replay, a scenario's cluster. */
export type BuildCluster = (factory: NodeFactory) => Promise<Cluster>;

/** The page's default cluster: a primary and three replicas. */
export const defaultCluster =
  (settings: SettingsInput = { replicas: 3 }): BuildCluster =>
  (factory) =>
    Cluster.boot(factory, settings);

/** Downloaded and compiled once per page, shared by every cluster the page boots (reset, step back). */
let sharedAssets: Promise<WorkerNodeAssets> | undefined;

function workerAssets(): Promise<WorkerNodeAssets> {
  if (!sharedAssets) {
    const assets = loadWorkerAssets();
    sharedAssets = assets;
    // A failed download is retried by the next boot; every node also reports it, so the
    // rejection is handled here only to keep it from surfacing twice.
    assets.catch(() => {
      if (sharedAssets === assets) sharedAssets = undefined;
    });
  }
  return sharedAssets;
}

export async function bootLab(build: BuildCluster = defaultCluster()): Promise<Lab> {
  const startedMs = performance.now();
  const cluster = await build(workerNodeFactory(workerAssets()));
  const driver = new ClockDriver(cluster.clock);
  const readyAtMs = performance.now();
  return { cluster, driver, bootMs: readyAtMs - startedMs, readyAtMs };
}
