/**
 * The page's first script (index.html), small and separate from the app's bundle: starts
 * downloading the snapshot and pglite.data, compiling pglite.wasm and booting the default
 * cluster's nodes (a primary and 3 replicas, see bootLab) in their workers at once, while
 * the browser still loads, parses and runs React and the rest of the app. When bootLab then
 * boots the cluster, bootWorkerNode hands it these nodes instead of starting new ones.
 */
import { PRIMARY, replicaName, resolveSettings } from '../../engine/index.ts';
import { prebootWorkerNodes } from './workerNode.ts';

const { replicas } = resolveSettings();
prebootWorkerNodes([
  { name: PRIMARY, role: 'primary' },
  ...Array.from({ length: replicas }, (_, i) => ({ name: replicaName(i), role: 'replica' as const })),
]);
