/**
 * One database node in a Web Worker: a PGlite booted from the shared data-dir snapshot,
 * wrapped in NodeCore, serving NodeHandle calls posted by workerNode.ts. Requests run one
 * at a time, in arrival order, so that a write's error recovery (ROLLBACK, take captured)
 * never interleaves with another request.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import { NodeCore } from '../engine/db/nodeCore.ts';
import {
  type CapturedTxn,
  type NodeHandle,
  type NodeRole,
  SqlError,
  type SqlErrorInfo,
  toSqlErrorInfo,
} from '../engine/db/types.ts';

/** First message: everything needed to boot, so that the worker fetches nothing large itself. */
export interface InitMessage {
  id: number;
  method: 'init';
  args: [
    {
      snapshot: Blob | ArrayBuffer;
      /** pglite.wasm, compiled once on the page and shared by every worker. */
      wasmModule: WebAssembly.Module;
      /** pglite.data (the Postgres install tree); fetched by each worker when absent. */
      fsBundle?: Blob;
      role: NodeRole;
    },
  ];
}
export type CallMessage = { id: number; method: keyof NodeHandle; args: unknown[] };
export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SqlErrorInfo; captured?: { txns: CapturedTxn[]; endLsn: number } };

// Never run: initdb is skipped when booting from loadDataDir, but PGlite still starts a
// download of initdb.wasm unless it is handed a module.
const EMPTY_WASM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
let node: NodeCore | undefined;
let queue: Promise<unknown> = Promise.resolve();

async function handle(msg: InitMessage | CallMessage): Promise<unknown> {
  if (msg.method === 'init') {
    if (node) throw new Error('node already initialised');
    const { snapshot, wasmModule, fsBundle, role } = msg.args[0];
    const pg = await PGlite.create({
      loadDataDir: snapshot instanceof Blob ? snapshot : new Blob([snapshot]),
      pgliteWasmModule: wasmModule,
      initdbWasmModule: new WebAssembly.Module(EMPTY_WASM),
      fsBundle,
      extensions: { pg_walinspect },
    });
    node = await NodeCore.open(pg, role);
    return undefined;
  }
  if (!node) throw new Error('node not initialised');
  const fn = node[msg.method] as (...args: unknown[]) => Promise<unknown>;
  return fn.apply(node, msg.args);
}

scope.onmessage = (e: MessageEvent<InitMessage | CallMessage>) => {
  const msg = e.data;
  queue = queue.then(async () => {
    let reply: WorkerResponse;
    try {
      reply = { id: msg.id, ok: true, value: await handle(msg) };
    } catch (err) {
      const captured = (err as { captured?: { txns: CapturedTxn[]; endLsn: number } }).captured;
      reply = { id: msg.id, ok: false, error: err instanceof SqlError ? err.info : toSqlErrorInfo(err), captured };
    }
    try {
      scope.postMessage(reply);
    } catch (err) {
      scope.postMessage({ id: msg.id, ok: false, error: toSqlErrorInfo(err) } satisfies WorkerResponse);
    }
  });
};
