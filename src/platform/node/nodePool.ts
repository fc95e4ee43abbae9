/**
 * A pool of booted in-process nodes, so that many short runs (the fuzzer: 1,000 schedules)
 * need not boot four PGlite nodes each (~1 s). `factory` hands out a node reset to the
 * snapshot's contents: every replicated table's rows and every sequence as a freshly
 * booted node has them, read-only or read-write as asked. A cluster's `close()` gives
 * the node back instead of closing it; a handle given back refuses further calls, so a
 * finished run can never touch the next one's data.
 *
 * What a reset cannot undo is physical: the WAL has moved on and transaction ids have
 * grown, so LSNs and xids differ from a fresh node's (their order does not): a test
 * (tests/engine/nodePool.test.ts) shows a schedule on reused nodes gives the same history
 * as on fresh ones, LSNs and xids compared by rank.
 */
import type { NodeFactory, NodeHandle, NodeRole } from '../../engine/index.ts';
import { bootInProcessNode } from './inProcessNode.ts';
import { loadSnapshot } from './nodeFactory.ts';

type Tables = Record<string, Record<string, unknown>[]>;

interface Baseline {
  tables: Tables;
  /** Per table that the snapshot fills: an md5 of its rows, to see cheaply whether a run changed it. */
  digests: string;
  /** Each sequence's state in the snapshot: `setval(name, value, called)`. */
  sequences: { name: string; value: number; called: boolean }[];
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function readBaseline(node: NodeHandle): Promise<Baseline> {
  const tables = await node.dumpTables();
  const names = await node.query("SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public'");
  const sequences = [];
  for (const row of names.rows) {
    const name = String(row.name);
    const r = await node.query(`SELECT last_value, is_called FROM ${quoteIdent(name)}`);
    sequences.push({ name, value: Number(r.rows[0].last_value), called: Boolean(r.rows[0].is_called) });
  }
  const baseline = { tables, sequences, digests: '' };
  baseline.digests = await digestsOf(node, baseline);
  return baseline;
}

/** One md5 over the rows of every table the snapshot fills (the others are simply emptied). */
function digestSql(baseline: Pick<Baseline, 'tables'>): string {
  const filled = Object.keys(baseline.tables).filter((t) => baseline.tables[t].length > 0);
  return `SELECT md5(${filled
    .map((t) => `coalesce((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM ${quoteIdent(t)} AS x), '')`)
    .join(" || '|' || ")}) AS digest`;
}

async function digestsOf(node: NodeHandle, baseline: Pick<Baseline, 'tables'>): Promise<string> {
  const r = await node.query(digestSql(baseline));
  return String(r.rows[0].digest);
}

/**
 * SQL that puts `baseline` back: rows replaced with triggers off (nothing is captured),
 * sequences reset. `full`: every table; otherwise only the tables the snapshot leaves
 * empty (the orders a run places), the others having been checked unchanged.
 */
function resetSql(baseline: Baseline, full: boolean): string {
  const order = Object.keys(baseline.tables);
  const cleared = full ? order : order.filter((t) => baseline.tables[t].length === 0);
  return [
    'BEGIN READ WRITE;',
    'SET LOCAL session_replication_role = replica;',
    ...[...cleared].reverse().map((t) => `DELETE FROM ${quoteIdent(t)};`),
    ...cleared
      .filter((t) => baseline.tables[t].length > 0)
      .map(
        (t) =>
          `INSERT INTO ${quoteIdent(t)} SELECT * FROM jsonb_populate_recordset(NULL::${quoteIdent(t)}, ${quoteLiteral(JSON.stringify(baseline.tables[t]))}::jsonb);`,
      ),
    ...baseline.sequences.map((s) => `SELECT setval(${quoteLiteral(s.name)}, ${s.value}, ${s.called});`),
    'COMMIT;',
  ].join('\n');
}

export class NodePool {
  private readonly idle: NodeHandle[] = [];
  private baseline: Promise<Baseline> | undefined;
  /** Nodes booted, and handed out again after a reset (for the bench and the tests). */
  readonly counts = { booted: 0, reused: 0 };

  /** Hands out a node reset to the snapshot's contents, with its role set. */
  readonly factory: NodeFactory = async (_name, role) => {
    const node = this.idle.pop();
    if (!node) {
      const fresh = await bootInProcessNode(loadSnapshot(), role);
      this.counts.booted++;
      this.baseline ??= readBaseline(fresh);
      await this.baseline;
      return this.lease(fresh);
    }
    await this.reset(node, role);
    this.counts.reused++;
    return this.lease(node);
  };

  private async reset(node: NodeHandle, role: NodeRole): Promise<void> {
    const baseline = await (this.baseline as Promise<Baseline>);
    const changed = (await digestsOf(node, baseline)) !== baseline.digests;
    await node.exec(resetSql(baseline, changed));
    await node.setRole(role);
  }

  /**
   * The node as a run sees it: every call goes through, and `close()` waits for the calls
   * still running, then gives the node back to the pool; calls after it are refused.
   */
  private lease(node: NodeHandle): NodeHandle {
    const running = new Set<Promise<unknown>>();
    let returned = false;
    const give = async () => {
      if (returned) return;
      returned = true;
      await Promise.allSettled([...running]);
      this.idle.push(node);
    };
    return new Proxy(node, {
      get: (target, key, receiver) => {
        if (key === 'close') return give;
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (returned) return Promise.reject(new Error('this node was given back to the pool'));
          const call = Promise.resolve(value.apply(target, args));
          running.add(call);
          void call.finally(() => running.delete(call)).catch(() => undefined);
          return call;
        };
      },
    });
  }

  /** Closes every idle node (a node still leased is closed by its run's close, which gives it back first). */
  async close(): Promise<void> {
    await Promise.allSettled(this.idle.splice(0).map((n) => n.close()));
  }
}
