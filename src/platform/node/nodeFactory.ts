/**
 * Node.js side of booting nodes: reads the data-dir snapshot from public/snapshot once
 * and boots each node in-process. Used by the CLI, the tests and the bench.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeFactory } from '../../engine/index.ts';
import { bootInProcessNode } from './inProcessNode.ts';

export const SNAPSHOT_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../public/snapshot/cluster.tar');

let snapshot: Blob | undefined;

export function loadSnapshot(): Blob {
  if (!snapshot) {
    if (!existsSync(SNAPSHOT_PATH)) {
      throw new Error(`no node snapshot at ${SNAPSHOT_PATH}: run \`npm run snapshot\` first`);
    }
    snapshot = new Blob([readFileSync(SNAPSHOT_PATH)]);
  }
  return snapshot;
}

export const inProcessFactory: NodeFactory = (_name, role) => bootInProcessNode(loadSnapshot(), role);
