/**
 * Boots a node in this process (Node: CLI, tests, bench): a PGlite loaded from the shared
 * data-dir snapshot, wrapped in NodeCore. The browser uses a worker per node instead.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import { NodeCore, type NodeHandle, type NodeRole } from '../../engine/index.ts';

export async function bootInProcessNode(snapshot: Blob, role: NodeRole): Promise<NodeHandle> {
  const create = (dataDir: Blob) => PGlite.create({ loadDataDir: dataDir, extensions: { pg_walinspect } });
  return NodeCore.open(await create(snapshot), role, create);
}
