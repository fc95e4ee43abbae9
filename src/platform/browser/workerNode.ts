/**
 * Database nodes in the browser: one Web Worker per node, each owning one PGlite (see
 * nodeWorker.ts), behind the same NodeHandle as the in-process nodes. The page fetches the
 * data-dir snapshot and pglite.data once and compiles pglite.wasm once; every worker gets
 * them in its init message, so booting N nodes costs one download and one compilation.
 */
import pgliteDataUrl from '@electric-sql/pglite/pglite.data?url';
import pgliteWasmUrl from '@electric-sql/pglite/pglite.wasm?url';
import {
  type CapturedTxn,
  type ConsoleLimits,
  type ConsoleResult,
  type NodeHandle,
  type NodeRole,
  type QueryResult,
  SqlError,
  type SqlValue,
  type WalRecord,
  type WriteResult,
} from '../../engine/index.ts';
import type { CallMessage, InitMessage, InitTimings, NodeMemory, WorkerResponse } from './nodeWorker.ts';

/** What every worker boots from, loaded once per page. */
export interface WorkerNodeAssets {
  snapshot: Blob;
  wasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

export interface WorkerNodeOptions {
  /** Defaults to the snapshot served from public/: `<base>snapshot/cluster.tar`. */
  snapshotUrl?: string;
  /** Already loaded assets (e.g. to boot another node later without refetching). */
  assets?: WorkerNodeAssets | Promise<WorkerNodeAssets>;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** For booting each node (once the shared assets are loaded); default 30 s or timeoutMs if longer. */
  bootTimeoutMs?: number;
  /** Starts the workers (their script loads) at once but boots them only once this settles. */
  initAfter?: Promise<unknown>;
  /** Worker names, shown in devtools; default `db-node-<i>`. */
  names?: readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** A node that did not answer: it timed out, was closed, crashed, or failed to boot. */
export class WorkerNodeError extends Error {
  readonly reason: 'timeout' | 'closed' | 'crashed' | 'boot';
  constructor(message: string, reason: WorkerNodeError['reason'], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerNodeError';
    this.reason = reason;
  }
}

/**
 * Records how long a boot step took as a `replica-lab:` performance measure (visible in
 * devtools' Performance panel; the bench reads them back). Returns the promise unchanged.
 */
function measured<T>(name: string, work: Promise<T>, detail?: (value: T) => unknown): Promise<T> {
  const start = performance.now();
  return work.then((value) => {
    performance.measure(`replica-lab:${name}`, { start, end: performance.now(), detail: detail?.(value) });
    return value;
  });
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res;
}

async function compileWasm(url: string): Promise<WebAssembly.Module> {
  const res = await fetchOk(url);
  // compileStreaming insists on the application/wasm content type; not every server sends it.
  if (res.headers.get('Content-Type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(res);
  return WebAssembly.compile(await res.arrayBuffer());
}

const DEFAULT_SNAPSHOT_URL = `${import.meta.env.BASE_URL}snapshot/cluster.tar`;
/** The page's one load of the default assets (kept unless it fails). */
let defaultAssets: Promise<WorkerNodeAssets> | undefined;

/**
 * Fetches the snapshot and pglite.data and compiles pglite.wasm, all in parallel. The
 * default snapshot's assets are loaded once per page: later calls share the first load.
 */
export function loadWorkerAssets(snapshotUrl = DEFAULT_SNAPSHOT_URL): Promise<WorkerNodeAssets> {
  if (snapshotUrl !== DEFAULT_SNAPSHOT_URL) return fetchAssets(snapshotUrl);
  if (!defaultAssets) {
    const loading = fetchAssets(snapshotUrl);
    defaultAssets = loading;
    // A failed load is not kept: the next caller tries again.
    loading.catch(() => {
      if (defaultAssets === loading) defaultAssets = undefined;
    });
  }
  return defaultAssets;
}

async function fetchAssets(snapshotUrl: string): Promise<WorkerNodeAssets> {
  const [snapshot, wasmModule, fsBundle] = await Promise.all([
    measured(
      'snapshot',
      fetchOk(snapshotUrl).then((r) => r.blob()),
    ),
    measured('wasm', compileWasm(pgliteWasmUrl)),
    measured(
      'pglite.data',
      fetchOk(pgliteDataUrl).then((r) => r.blob()),
    ),
  ]);
  return { snapshot, wasmModule, fsBundle };
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Every worker node of this page that is not closed (for `workerNodesMemory`). */
const live = new Set<WorkerNode>();

class WorkerNode implements NodeHandle {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: WorkerNodeError | undefined;

  constructor(
    private readonly worker: Worker,
    readonly name: string,
    private readonly timeoutMs: number,
  ) {
    live.add(this);
    worker.onmessage = (e: MessageEvent<WorkerResponse>) => this.settle(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.fail(new WorkerNodeError(`${name} crashed: ${e.message || 'worker error'}`, 'crashed'));
    };
    worker.onmessageerror = () => this.fail(new WorkerNodeError(`${name} sent an unreadable message`, 'crashed'));
  }

  call<T>(method: CallMessage['method'] | 'init', args: unknown[], timeoutMs = this.timeoutMs): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WorkerNodeError(`${this.name}: ${method} got no answer within ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.worker.postMessage({ id, method, args } as CallMessage | InitMessage);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err as Error);
      }
    });
  }

  private settle(res: WorkerResponse): void {
    const p = this.pending.get(res.id);
    if (!p) return; // timed out already
    this.pending.delete(res.id);
    clearTimeout(p.timer);
    if (res.ok) {
      p.resolve(res.value);
    } else {
      const err = new SqlError(res.error);
      p.reject(res.captured ? Object.assign(err, { captured: res.captured }) : err);
    }
  }

  /** Rejects everything outstanding and stops the worker (its memory goes with it). */
  private fail(err: WorkerNodeError): void {
    if (this.dead) return;
    this.dead = err;
    live.delete(this);
    this.worker.terminate();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  write(sql: string, params?: unknown[]): Promise<WriteResult> {
    return this.call('write', params ? [sql, params] : [sql]);
  }
  query(sql: string, params?: unknown[]): Promise<QueryResult> {
    return this.call('query', params ? [sql, params] : [sql]);
  }
  exec(sql: string): Promise<QueryResult[]> {
    return this.call('exec', [sql]);
  }
  read(sql: string): Promise<QueryResult> {
    return this.call('read', [sql]);
  }
  apply(txns: CapturedTxn[]): Promise<void> {
    return this.call('apply', [txns]);
  }
  insert(table: string, rows: Record<string, SqlValue>[]): Promise<WriteResult> {
    return this.call('insert', [table, rows]);
  }
  walRecords(fromLsn: number, xid: number): Promise<WalRecord[]> {
    return this.call('walRecords', [fromLsn, xid]);
  }
  setRole(role: NodeRole): Promise<void> {
    return this.call('setRole', [role]);
  }
  dumpTables(): Promise<Record<string, Record<string, unknown>[]>> {
    return this.call('dumpTables', []);
  }
  console(sql: string, limits: ConsoleLimits): Promise<ConsoleResult> {
    return this.call('console', [sql, limits]);
  }
  dumpDatabase(): Promise<{ schema: Record<string, unknown>[]; tables: Record<string, Record<string, unknown>[]> }> {
    return this.call('dumpDatabase', []);
  }
  image(): Promise<Blob> {
    return this.call('image', []);
  }
  restore(image: Blob): Promise<void> {
    return this.call('restore', [image]);
  }
  memory(): Promise<NodeMemory> {
    return this.call('memory', []);
  }
  /** Terminates the worker at once; outstanding requests reject with reason 'closed'. */
  close(): Promise<void> {
    this.fail(new WorkerNodeError(`${this.name} is closed`, 'closed'));
    return Promise.resolve();
  }
}

function startWorker(name: string, timeoutMs: number): WorkerNode {
  const worker = new Worker(new URL('./nodeWorker.ts', import.meta.url), { type: 'module', name });
  return new WorkerNode(worker, name, timeoutMs);
}

async function init(node: WorkerNode, name: string, assets: WorkerNodeAssets, role: NodeRole, timeoutMs: number) {
  const { snapshot, wasmModule, fsBundle } = assets;
  try {
    await measured(
      `boot ${name}`,
      node.call<InitTimings | undefined>('init', [{ snapshot, wasmModule, fsBundle, role }], timeoutMs),
      (timings) => timings,
    );
    return node;
  } catch (err) {
    await node.close();
    throw new WorkerNodeError(`${name} failed to boot: ${(err as Error).message}`, 'boot', { cause: err });
  }
}

/**
 * Boots one node per role, all in parallel: the workers load their script while the page
 * fetches and compiles the shared assets. If any node fails to boot, all are closed.
 */
export async function bootWorkerNodes(
  roles: readonly NodeRole[],
  options: WorkerNodeOptions = {},
): Promise<NodeHandle[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const bootTimeoutMs = options.bootTimeoutMs ?? Math.max(timeoutMs, DEFAULT_TIMEOUT_MS);
  const names = roles.map((_, i) => options.names?.[i] ?? `db-node-${i + 1}`);
  const nodes = names.map((name) => startWorker(name, timeoutMs));
  try {
    const assets = await (options.assets ?? loadWorkerAssets(options.snapshotUrl));
    await options.initAfter?.catch(() => undefined);
    const booted = await Promise.allSettled(
      nodes.map((node, i) => init(node, names[i], assets, roles[i], bootTimeoutMs)),
    );
    const failed = booted.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return nodes;
  } catch (err) {
    await Promise.all(nodes.map((n) => n.close()));
    throw err;
  }
}

/** Nodes that prebootWorkerNodes started, by name, until bootWorkerNode hands them out. */
const prebooted = new Map<string, { role: NodeRole; node: Promise<NodeHandle> }>();

/**
 * Starts booting nodes before anything asks for them (preboot.ts, the page's first script,
 * runs it while the app's own bundle still loads): with the default assets, timeouts and
 * the given worker names. The first node boots alone and the rest once it is up: every node
 * runs the same startup code, so the later ones find pglite.wasm's functions already
 * compiled (V8 compiles them lazily, on first call, for all workers sharing the module)
 * instead of all compiling them at once on a machine with few cores. bootWorkerNode hands
 * each node out once, to the first call with the same name and role and the default assets;
 * any other call boots a new node as usual.
 */
export function prebootWorkerNodes(nodes: readonly { name: string; role: NodeRole }[]): void {
  let first: Promise<unknown> | undefined;
  for (const { name, role } of nodes) {
    if (prebooted.has(name)) continue;
    const node = bootWorkerNodes([role], { names: [name], initAfter: first }).then(([n]) => n);
    first ??= node;
    // Reported to whoever takes the node; the no-op only stops an unhandled rejection.
    node.catch(() => undefined);
    prebooted.set(name, { role, node });
  }
}

function takePrebooted(role: NodeRole, options: WorkerNodeOptions): Promise<NodeHandle> | undefined {
  const name = options.names?.[0];
  const early = name === undefined ? undefined : prebooted.get(name);
  if (!early || early.role !== role || options.snapshotUrl !== undefined || options.timeoutMs !== undefined) return;
  if (options.assets !== undefined && options.assets !== defaultAssets) return;
  prebooted.delete(name as string);
  return early.node;
}

/**
 * Boots a single node (e.g. a replica added later); pass `assets` to reuse the page's.
 * A node of that name and role that prebootWorkerNodes started is handed out instead.
 */
export async function bootWorkerNode(role: NodeRole, options: WorkerNodeOptions = {}): Promise<NodeHandle> {
  const early = takePrebooted(role, options);
  if (early) return early;
  const [node] = await bootWorkerNodes([role], options);
  return node;
}

/** Memory of every live worker node on this page, as each worker measures it (see NodeMemory). */
export function workerNodesMemory(): Promise<(NodeMemory & { name: string })[]> {
  return Promise.all([...live].map(async (node) => ({ name: node.name, ...(await node.memory()) })));
}
