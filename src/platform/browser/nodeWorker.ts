/**
 * One database node in a Web Worker: a PGlite booted from the shared data-dir snapshot,
 * wrapped in NodeCore, serving NodeHandle calls posted by workerNode.ts. Requests run one
 * at a time, in arrival order, so that a write's error recovery (ROLLBACK, take captured)
 * never interleaves with another request.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import {
  type CapturedTxn,
  NodeCore,
  type NodeHandle,
  type NodeRole,
  SqlError,
  type SqlErrorInfo,
  toSqlErrorInfo,
} from '../../engine/index.ts';

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
export type CallMessage = { id: number; method: keyof NodeHandle | 'memory'; args: unknown[] };
/** The init reply: where the worker's boot time went (ms, wall clock of the worker). */
export interface InitTimings {
  /** PGlite.create: instantiating the shared wasm, unpacking pglite.data, loading the snapshot. */
  pgliteMs: number;
  /** NodeCore.open: the node's own setup queries. */
  openMs: number;
}
/** A node's memory, as the worker sees it (the `memory` request; for the bench and devtools). */
export interface NodeMemory {
  /** PGlite's WebAssembly linear memory: Postgres' own heap, shared buffers, caches and stack. */
  wasmBytes: number;
  /** Bytes of the files in PGlite's in-memory file system (the data dir and the Postgres install tree). */
  fsBytes: number;
  /** The worker's JS heap in use (Chromium's performance.memory), when the browser reports it. */
  jsHeapBytes?: number;
}
export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SqlErrorInfo; captured?: { txns: CapturedTxn[]; endLsn: number } };

// Never run: initdb is skipped when booting from loadDataDir, but PGlite still starts a
// download of initdb.wasm unless it is handed a module.
const EMPTY_WASM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
let node: NodeCore | undefined;
let pglite: PGlite | undefined;
let queue: Promise<unknown> = Promise.resolve();

async function handle(msg: InitMessage | CallMessage): Promise<unknown> {
  if (msg.method === 'init') {
    if (node) throw new Error('node already initialised');
    const { snapshot, wasmModule, fsBundle, role } = msg.args[0];
    const started = performance.now();
    const create = (dataDir: Blob) =>
      PGlite.create({
        loadDataDir: dataDir,
        pgliteWasmModule: wasmModule,
        initdbWasmModule: new WebAssembly.Module(EMPTY_WASM),
        fsBundle,
        extensions: { pg_walinspect },
      });
    const pg = await create(snapshot instanceof Blob ? snapshot : new Blob([snapshot]));
    const created = performance.now();
    // A restore (a fresh base backup) boots another PGlite with the same options; measure that one from then on.
    node = await NodeCore.open(pg, role, async (image) => {
      pglite = await create(image);
      return pglite;
    });
    pglite = pg;
    return { pgliteMs: created - started, openMs: performance.now() - created } satisfies InitTimings;
  }
  if (!node) throw new Error('node not initialised');
  if (msg.method === 'memory') return measureMemory(pglite);
  const fn = node[msg.method] as (...args: unknown[]) => Promise<unknown>;
  return fn.apply(node, msg.args);
}

/** PGlite keeps its Emscripten module in a protected field; only read here, for measuring. */
interface EmscriptenParts {
  wasmMemory?: WebAssembly.Memory;
  HEAP8?: Int8Array;
  FS?: {
    readdir(path: string): string[];
    lstat(path: string): { mode: number; size: number };
    isDir(mode: number): boolean;
    isFile(mode: number): boolean;
  };
}

function measureMemory(pg: PGlite | undefined): NodeMemory {
  const mod = (pg as unknown as { mod?: EmscriptenParts } | undefined)?.mod;
  const wasmBytes = mod?.wasmMemory?.buffer.byteLength ?? mod?.HEAP8?.byteLength ?? 0;
  let fsBytes = 0;
  const fs = mod?.FS;
  const walk = (dir: string) => {
    for (const entry of fs?.readdir(dir) ?? []) {
      if (entry === '.' || entry === '..') continue;
      const path = dir === '/' ? `/${entry}` : `${dir}/${entry}`;
      const st = fs?.lstat(path);
      if (!st) continue;
      if (fs?.isDir(st.mode)) walk(path);
      else if (fs?.isFile(st.mode)) fsBytes += st.size;
    }
  };
  // /dev and /proc are Emscripten's device files, not data.
  for (const top of fs?.readdir('/') ?? []) if (!['.', '..', 'dev', 'proc'].includes(top)) walk(`/${top}`);
  const jsHeap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return { wasmBytes, fsBytes, ...(jsHeap ? { jsHeapBytes: jsHeap.usedJSHeapSize } : {}) };
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
