/**
 * The page's automation hook, for scripts that drive a running lab (`npm run bench`,
 * devtools): once the cluster runs, main.tsx calls exposeLab and
 * - `window.replicaLab` is the Lab: `cluster` (setLag, startLoad, placeOrder, history,
 *   shipments, clock...) and `driver` (play, pause, setSpeed);
 * - `window.replicaLabNodes.memory()` asks every node's worker for its memory.
 * Nothing in the app reads these; commands sent through them bypass the store's bookkeeping
 * but not the engine's (the UI shows their effects as usual).
 */
import { workerNodesMemory } from '../platform/browser/workerNode.ts';
import type { Lab } from './bootLab.ts';

export interface LabNodes {
  memory: typeof workerNodesMemory;
}

declare global {
  interface Window {
    /** The running lab (see src/page/automation.ts); absent until the cluster has booted. */
    replicaLab?: Lab;
    /** The lab's worker nodes (see src/page/automation.ts). */
    replicaLabNodes?: LabNodes;
  }
}

export function exposeLab(lab: Lab): void {
  window.replicaLab = lab;
  window.replicaLabNodes = { memory: workerNodesMemory };
}
