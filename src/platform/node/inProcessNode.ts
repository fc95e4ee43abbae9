/**
 * Boots a node in this process (Node: CLI, tests, bench): a PGlite loaded from the shared
 * data-dir snapshot, wrapped in NodeCore. The browser uses a worker per node instead.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import { NodeCore, type NodeHandle, type NodeRole } from '../../engine/index.ts';

export async function bootInProcessNode(snapshot: Blob, role: NodeRole): Promise<NodeHandle> {
  const create = (dataDir: Blob) => PGlite.create({ loadDataDir: dataDir, extensions: { pg_walinspect } });
  return oneAtATime(await NodeCore.open(await create(snapshot), role, create));
}

/**
 * The node serves one request at a time, each to its end, in the order they were sent, as
 * a node's worker does in the browser (nodeWorker.ts). The engine relies on it: a read sent
 * in one event and awaited in a later one sees exactly what was sent to the node before it,
 * even if a request sent by an event in between reaches PGlite while the read's own
 * statements (prepare, then execute) are still under way.
 */
export function oneAtATime(node: NodeHandle): NodeHandle {
  let tail: Promise<unknown> = Promise.resolve();
  const serial =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const run = tail.then(() => call(...args));
      tail = run.catch(() => undefined);
      return run;
    };
  return {
    write: serial((sql, params) => node.write(sql, params)),
    insert: serial((table, rows) => node.insert(table, rows)),
    query: serial((sql, params) => node.query(sql, params)),
    exec: serial((sql) => node.exec(sql)),
    read: serial((sql) => node.read(sql)),
    console: serial((sql, limits) => node.console(sql, limits)),
    apply: serial((txns) => node.apply(txns)),
    walRecords: serial((fromLsn, xid) => node.walRecords(fromLsn, xid)),
    setRole: serial((role) => node.setRole(role)),
    dumpTables: serial(() => node.dumpTables()),
    dumpDatabase: serial(() => node.dumpDatabase()),
    image: serial(() => node.image()),
    restore: serial((image) => node.restore(image)),
    close: serial(() => node.close()),
  };
}
