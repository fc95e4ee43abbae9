/**
 * A pool of booted in-process nodes, so that many short runs (the fuzzer: 1,000 schedules)
 * need not boot four PGlite nodes each (~1 s). `factory` hands out a node reset to the
 * snapshot's contents: every replicated table's rows and every sequence as a freshly
 * booted node has them, read-only or read-write as asked. A cluster's `close()` gives
 * the node back instead of closing it; a handle given back refuses further calls, so a
 * finished run can never touch the next one's data.
 *
 * A run whose console changed the schema (DDL) leaves a node rows cannot reset: the pool
 * closes it and boots a fresh one instead.
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
  /** An md5 of the public schema's shape (SCHEMA_DIGEST_SQL): a run's DDL changes it. */
  schema: string;
}

/**
 * One md5 over the shape of the public schema: relations with their kind and columns,
 * index definitions, functions and the types a console can create. A console's DDL
 * (CREATE TABLE, ALTER TABLE, CREATE INDEX, CREATE FUNCTION...) changes it, and rows
 * cannot put that back: such a node is replaced by a fresh one.
 */
const SCHEMA_DIGEST_SQL = `SELECT md5(coalesce(string_agg(d, '|' ORDER BY d), '')) AS digest FROM (
  SELECT 'r:' || c.relkind::text || ':' || c.relname || ':' || coalesce((
    SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text, ',' ORDER BY a.attnum)
    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') AS d
  FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL SELECT 'i:' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT 'f:' || p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL SELECT 't:' || t.typname FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r')
) shape`;

async function schemaDigest(node: NodeHandle): Promise<string> {
  return String((await node.query(SCHEMA_DIGEST_SQL)).rows[0].digest);
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
  const baseline = { tables, sequences, digests: '', schema: await schemaDigest(node) };
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
  /**
   * Nodes booted, handed out again after a reset, and replaced because a run changed their
   * schema (for the bench and the tests).
   */
  readonly counts = { booted: 0, reused: 0, replaced: 0 };

  /** Hands out a node reset to the snapshot's contents, with its role set. */
  readonly factory: NodeFactory = async (_name, role) => {
    let node = this.idle.pop();
    if (node && !(await this.reset(node, role))) {
      await node.close();
      this.counts.replaced++;
      node = undefined;
    }
    if (!node) {
      const fresh = await bootInProcessNode(loadSnapshot(), role);
      this.counts.booted++;
      this.baseline ??= readBaseline(fresh);
      await this.baseline;
      return this.lease(fresh);
    }
    this.counts.reused++;
    return this.lease(node);
  };

  /** Puts the snapshot's rows back and sets the role; false when the schema changed (the node must go). */
  private async reset(node: NodeHandle, role: NodeRole): Promise<boolean> {
    const baseline = await (this.baseline as Promise<Baseline>);
    if ((await schemaDigest(node)) !== baseline.schema) return false;
    const changed = (await digestsOf(node, baseline)) !== baseline.digests;
    await node.exec(resetSql(baseline, changed));
    await node.setRole(role);
    return true;
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
