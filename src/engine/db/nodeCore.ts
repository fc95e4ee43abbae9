/**
 * One database node's behaviour on top of a PGlite instance: client writes with change
 * capture, reads, console SQL, applying replicated transactions, WAL inspection. The same
 * code runs in-process (Node) and inside a browser worker; it knows nothing of time,
 * links or the cluster.
 */
import type { PGliteInterface } from '@electric-sql/pglite';
import { applyBatchSql, quoteIdent, sqlLiteral } from './applySql.ts';
import { refusalOf, splitStatements } from './consolePolicy.ts';
import { formatLsn, parseLsn } from './lsn.ts';
import { REPLICATED_TABLES, TAKE_CAPTURED_SQL } from './schema.ts';
import {
  type CapturedTxn,
  type ConsoleLimits,
  type ConsoleResult,
  type NodeHandle,
  type NodeRole,
  type QueryResult,
  type RowChange,
  SqlError,
  type SqlValue,
  toSqlErrorInfo,
  type WalRecord,
  type WriteResult,
} from './types.ts';

type Pg = Pick<PGliteInterface, 'query' | 'exec' | 'close' | 'dumpDataDir'>;

/** Boots another database from a data-dir image, with the platform's own PGlite options. */
export type Reopen = (image: Blob) => Promise<Pg>;

function parseTaken(row: { end_lsn: string; captured: string }): { txns: CapturedTxn[]; endLsn: number } {
  const endLsn = parseLsn(row.end_lsn);
  return { txns: groupCaptured(JSON.parse(row.captured) as CapturedStatement[], endLsn), endLsn };
}

function toResult(r: { rows: unknown[]; fields: { name: string }[]; affectedRows?: number }): QueryResult {
  return {
    rows: r.rows as Record<string, unknown>[],
    fields: r.fields.map((f) => f.name),
    affectedRows: r.affectedRows,
  };
}

/** The public schema's shape (columns, indexes, sequences) and its tables, in a stable order. */
const DATABASE_SHAPE_SQL = `SELECT
  (SELECT coalesce(jsonb_agg(x ORDER BY x::text), '[]') FROM (
     SELECT jsonb_build_object('table', table_name, 'column', column_name, 'type', data_type,
                               'nullable', is_nullable, 'default', column_default) AS x
       FROM information_schema.columns WHERE table_schema = 'public'
     UNION ALL SELECT jsonb_build_object('index', indexname, 'def', indexdef) FROM pg_indexes WHERE schemaname = 'public'
     UNION ALL SELECT jsonb_build_object('sequence', sequence_name) FROM information_schema.sequences WHERE sequence_schema = 'public'
  ) AS s) AS schema,
  (SELECT coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}') FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')) AS tables`;

/** At most `maxRows` rows of a result; the rest counted. */
function capped(r: QueryResult, maxRows: number): QueryResult {
  return r.rows.length <= maxRows ? r : { ...r, rows: r.rows.slice(0, maxRows), omittedRows: r.rows.length - maxRows };
}

/** Whether an explicit transaction is open after `statement` (BEGIN opens one; COMMIT, ROLLBACK, END, ABORT close it). */
function transactionOpenAfter(statement: string, open: boolean): boolean {
  const words = statement
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .trim()
    .toLowerCase()
    .split(/\s+/);
  if (words[0] === 'begin' || (words[0] === 'start' && words[1] === 'transaction')) return true;
  if (['commit', 'end', 'abort'].includes(words[0])) return false;
  if (words[0] === 'rollback' && words[1] !== 'to') return false;
  return open;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new SqlError(toSqlErrorInfo(err));
  }
}

type Row = Record<string, unknown>;
/** One captured statement: `[xid, lsn, table, op, rows]`; UPDATE rows are `[old, new]`; DDL carries its text. */
type CapturedStatement = [number, string, string, RowChange['op'], Row[] | [Row, Row][] | string];

const TABLE_KEYS = new Map(REPLICATED_TABLES.map((t) => [t.name, t.key]));

/** The shop's tables by their primary key; a table the learner created by its whole row (REPLICA IDENTITY FULL). */
function keyOf(table: string, row: Row): Row {
  const key = TABLE_KEYS.get(table);
  return key ? Object.fromEntries(key.map((k) => [k, row[k]])) : { ...row };
}

function toChanges(table: string, op: RowChange['op'], rows: Row[] | [Row, Row][] | string): RowChange[] {
  if (op === 'DDL') return [{ table, op, key: {}, oldRow: null, newRow: null, sql: rows as string }];
  if (op === 'TRUNCATE') return [{ table, op, key: {}, oldRow: null, newRow: null }];
  if (op === 'UPDATE')
    return (rows as [Row, Row][]).map(([oldRow, newRow]) => ({ table, op, key: keyOf(table, oldRow), oldRow, newRow }));
  if (op === 'DELETE')
    return (rows as Row[]).map((oldRow) => ({ table, op, key: keyOf(table, oldRow), oldRow, newRow: null }));
  return (rows as Row[]).map((newRow) => ({ table, op, key: keyOf(table, newRow), oldRow: null, newRow }));
}

/** Groups captured statements into transactions; a transaction ends where the next begins. */
export function groupCaptured(statements: CapturedStatement[], endLsn: number): CapturedTxn[] {
  const txns: CapturedTxn[] = [];
  for (const [xid, lsn, table, op, rows] of statements) {
    let txn = txns.at(-1);
    if (!txn || txn.xid !== Number(xid)) {
      if (txn) txn.lsn = parseLsn(lsn);
      txn = { xid: Number(xid), lsn: endLsn, changes: [] };
      txns.push(txn);
    }
    txn.changes.push(...toChanges(table, op, rows));
  }
  return txns;
}

/** Distinct engine reads kept prepared per node (the shop has a few dozen: "my orders" per user, four categories). */
const MAX_PREPARED_READS = 256;

export class NodeCore implements NodeHandle {
  private role: NodeRole = 'primary';
  /** The last replicated transaction applied (a replica's pg_last_wal_replay_lsn()). */
  private replayLsn = '';
  /** The engine's own reads, prepared once each (SQL text -> statement name); see read(). */
  private readonly prepared = new Map<string, string>();
  private preparedNames = 0;

  private constructor(
    private pg: Pg,
    private readonly reopen?: Reopen,
  ) {}

  /**
   * The SET that puts the capture triggers on or off, always sent: a cached flag went out
   * of step with the session when the statement after the SET failed (a multi-statement
   * exec is one implicit transaction, so the SET was rolled back with it) and the next
   * app insert was then captured twice, once by the trigger into a session variable no
   * one took; a later console write shipped those stale rows again (found by fuzzing).
   */
  private captureMode(on: boolean): string {
    return `SET replica_lab.capture = '${on ? 'on' : 'off'}';\n`;
  }

  async insert(table: string, rows: Record<string, SqlValue>[]): Promise<WriteResult> {
    const columns = Object.keys(rows[0] ?? {});
    const t = quoteIdent(table);
    const sql = `${this.captureMode(false)}INSERT INTO ${t} (${columns.map(quoteIdent).join(', ')}) VALUES ${rows
      .map((r) => `(${columns.map((c) => sqlLiteral(r[c])).join(', ')})`)
      .join(
        ', ',
      )} RETURNING to_json(${t}.*)::text AS rl_row, pg_current_xact_id()::text AS rl_xid, pg_current_wal_insert_lsn()::text AS rl_lsn`;
    const results = await guarded(() => this.pg.exec(sql));
    const returned = results.at(-1)?.rows as { rl_row: string; rl_xid: string; rl_lsn: string }[];
    const inserted = returned.map((r) => JSON.parse(r.rl_row) as Row);
    // The position after the last row's WAL records; the commit record follows it.
    const lsn = parseLsn(returned.at(-1)?.rl_lsn ?? '0/0');
    const txn: CapturedTxn = { xid: Number(returned[0]?.rl_xid), lsn, changes: toChanges(table, 'INSERT', inserted) };
    return {
      results: [{ rows: inserted, fields: columns, affectedRows: inserted.length }],
      txns: inserted.length ? [txn] : [],
      endLsn: lsn,
    };
  }

  /** Wraps a freshly booted PGlite and sets its role; `reopen` lets it be restored from an image. */
  static async open(pg: Pg, role: NodeRole, reopen?: Reopen): Promise<NodeCore> {
    const core = new NodeCore(pg, reopen);
    await core.setRole(role);
    return core;
  }

  /** The whole data directory after a checkpoint, as pg_basebackup copies it. */
  image(): Promise<Blob> {
    return guarded(async () => {
      await this.pg.exec('CHECKPOINT');
      return this.pg.dumpDataDir('none');
    });
  }

  /**
   * Replaces this node's database by `image` (another node's data directory): schema,
   * rows, sequences and all, as a fresh base backup does. The role is kept.
   */
  async restore(image: Blob): Promise<void> {
    if (!this.reopen) throw new Error('this node cannot be restored from an image');
    const next = await this.reopen(image);
    const old = this.pg;
    this.pg = next;
    this.prepared.clear();
    await old.close();
    await this.setRole(this.role);
  }

  async setRole(role: NodeRole): Promise<void> {
    this.role = role;
    await this.pg.exec(this.roleSql());
  }

  /**
   * A hot standby refuses every write with PostgreSQL's read-only error; PGlite has no
   * recovery mode, so a replica's session is read-only by default, its guard triggers are
   * armed (`replica_lab.role`), and its search path answers pg_is_in_recovery() as a
   * standby does (schema.ts, NODE_FUNCTIONS_SQL).
   */
  private roleSql(): string {
    const replica = this.role === 'replica';
    return [
      `SET default_transaction_read_only = ${replica ? 'on' : 'off'};`,
      `SET replica_lab.role = '${this.role}';`,
      // After public, so unqualified CREATEs still land in public; before pg_catalog, so the shadows win.
      `SET search_path = "$user", public, ${replica ? 'replica_lab_standby, ' : ''}pg_catalog;`,
      `SET replica_lab.replay_lsn = '${replica ? this.replayLsn : ''}';`,
    ].join('\n');
  }

  async console(sql: string, limits: ConsoleLimits): Promise<ConsoleResult> {
    const statements = splitStatements(sql);
    for (const s of statements) {
      const refused = refusalOf(s.text, this.role);
      if (refused) throw new SqlError({ ...refused, position: String(s.offset + 1) });
    }
    const results: QueryResult[] = [];
    let open = false;
    try {
      const setup = [
        this.role === 'primary' ? this.captureMode(true) : '',
        `SET statement_timeout = '${limits.timeoutS}s';`,
        `SET replica_lab.max_timeout_s = '${limits.maxTimeoutS}';`,
        `SET search_path = "$user", public, replica_lab_console, ${this.role === 'replica' ? 'replica_lab_standby, ' : ''}pg_catalog;`,
      ];
      await this.pg.exec(setup.join('\n'));
      for (const s of statements) {
        try {
          // One statement per call: the DDL capture logs current_query(), which is then just this statement.
          results.push(...(await this.pg.exec(s.text)).map((r) => capped(toResult(r), limits.maxRows)));
        } catch (err) {
          const info = toSqlErrorInfo(err);
          if (info.position) info.position = String(Number(info.position) + s.offset);
          throw new SqlError(info);
        }
        open = transactionOpenAfter(s.text, open);
        // Recovery keeps every transaction read-only, whatever the session's default says.
        if (this.role === 'replica') await this.pg.exec('SET default_transaction_read_only = on');
      }
      return { results, ...(await this.endSession()), rolledBack: open };
    } catch (err) {
      const error = err instanceof SqlError ? err : new SqlError(toSqlErrorInfo(err));
      throw Object.assign(error, { captured: await this.endSession() });
    }
  }

  /**
   * Ends a console run as a session ends: a transaction it left open is rolled back, what
   * committed is taken, and settings, temporary objects, prepared statements and locks go
   * (DISCARD ALL); then the node's own session state comes back.
   */
  private async endSession(): Promise<{ txns: CapturedTxn[]; endLsn: number }> {
    await this.pg.exec('ROLLBACK').catch(() => undefined);
    const taken = await this.takeCaptured();
    await this.pg.exec('DISCARD ALL');
    this.prepared.clear();
    await this.pg.exec(this.roleSql());
    return taken;
  }

  /**
   * Runs a client's SQL in its own transaction, then takes what it captured, in one round
   * trip. Parameterised SQL takes two. On error, whatever committed before it (a console
   * script with its own COMMITs) is still captured and returned with the error.
   */
  async write(sql: string, params?: unknown[]): Promise<WriteResult> {
    /** Characters the wrapper puts before the client's SQL (error positions count from it). */
    let prefixLength = 0;
    try {
      if (params) {
        await this.pg.exec(this.captureMode(true));
        const result = toResult(await this.pg.query(sql, params));
        return { results: [result], ...(await this.takeCaptured()) };
      }
      const mode = this.captureMode(true);
      const prefix = `${mode}BEGIN;\n`;
      prefixLength = prefix.length;
      const results = await this.pg.exec(`${prefix}${sql}\n;\nCOMMIT;\n${TAKE_CAPTURED_SQL}`);
      const taken = results.pop() as unknown as { rows: { end_lsn: string; captured: string }[] };
      return {
        results: results.slice(2, -1).map(toResult),
        ...parseTaken(taken.rows[0]),
      };
    } catch (err) {
      const info = toSqlErrorInfo(err);
      // Report the position within the SQL the client typed, as psql would.
      if (info.position && prefixLength) info.position = String(Math.max(1, Number(info.position) - prefixLength));
      const error = new SqlError(info);
      await this.pg.exec('ROLLBACK').catch(() => undefined);
      throw Object.assign(error, { captured: await this.takeCaptured() });
    }
  }

  private async takeCaptured(): Promise<{ txns: CapturedTxn[]; endLsn: number }> {
    const r = await this.pg.exec(TAKE_CAPTURED_SQL);
    return parseTaken(r[0].rows[0] as { end_lsn: string; captured: string });
  }

  query(sql: string, params?: unknown[]): Promise<QueryResult> {
    return guarded(async () => toResult(await this.pg.query(sql, params)));
  }

  /**
   * One of the engine's own reads (the shop's queries, few distinct texts): prepared on first
   * use and executed from then on, which skips parsing and planning (measured in-process: a
   * category browse 328 -> 215 us, the analytics join 549 -> 169 us). PostgreSQL re-plans a
   * prepared statement itself when the schema changes; a statement that cannot be prepared
   * runs as it is, so it fails with the same error. A console run's DISCARD ALL drops them.
   */
  read(sql: string): Promise<QueryResult> {
    return guarded(async () => {
      let name = this.prepared.get(sql);
      if (name === undefined && this.prepared.size < MAX_PREPARED_READS) {
        const next = `replica_lab_read_${++this.preparedNames}`;
        const ok = await this.pg.exec(`PREPARE ${next} AS ${sql}`).then(
          () => true,
          () => false,
        );
        if (ok) this.prepared.set(sql, next);
        name = ok ? next : undefined;
      }
      const [result] = await this.pg.exec(name === undefined ? sql : `EXECUTE ${name}`);
      return toResult(result);
    });
  }

  exec(sql: string): Promise<QueryResult[]> {
    return guarded(async () => (await this.pg.exec(sql)).map(toResult));
  }

  apply(txns: CapturedTxn[]): Promise<void> {
    if (txns.length === 0) return Promise.resolve();
    return guarded(async () => {
      try {
        this.replayLsn = formatLsn(txns[txns.length - 1].lsn);
        await this.pg.exec(`${applyBatchSql(txns)}\nSET replica_lab.replay_lsn = '${this.replayLsn}';`);
      } catch (err) {
        await this.pg.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  walRecords(fromLsn: number, xid: number): Promise<WalRecord[]> {
    return guarded(async () => {
      // PGlite does not flush WAL at commit and has no WAL writer; pg_walinspect reads only
      // flushed WAL, so flush it first. The range runs to the end of the WAL so that the
      // transaction's commit record is included; filtering by xid keeps only its records.
      await this.pg.exec('CHECKPOINT');
      const r = await this.pg.query<Record<string, string | number>>(
        `SELECT start_lsn::text, end_lsn::text, resource_manager, record_type, record_length, xid::text::bigint AS xid, description
           FROM pg_get_wal_records_info($1::text::pg_lsn, pg_current_wal_flush_lsn())
          WHERE xid::text::bigint = $2`,
        [formatLsn(fromLsn), xid],
      );
      return r.rows.map((row) => ({
        startLsn: String(row.start_lsn),
        endLsn: String(row.end_lsn),
        resourceManager: String(row.resource_manager),
        recordType: String(row.record_type),
        recordLength: Number(row.record_length),
        xid: Number(row.xid),
        description: String(row.description),
      }));
    });
  }

  dumpTables(): Promise<Record<string, Record<string, unknown>[]>> {
    return guarded(async () => {
      const sql = REPLICATED_TABLES.map(
        (t) =>
          `SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY ${t.key.map((k) => `x.${quoteIdent(k)}`).join(', ')}), '[]') AS rows FROM ${quoteIdent(t.name)} AS x;`,
      ).join('\n');
      const results = await this.pg.exec(sql);
      const out: Record<string, Record<string, unknown>[]> = {};
      REPLICATED_TABLES.forEach((t, i) => {
        out[t.name] = (results[i].rows[0] as { rows: Record<string, unknown>[] }).rows;
      });
      return out;
    });
  }

  dumpDatabase(): Promise<{ schema: Record<string, unknown>[]; tables: Record<string, Record<string, unknown>[]> }> {
    return guarded(async () => {
      const shape = await this.pg.query<{ schema: Record<string, unknown>[]; tables: string[] }>(DATABASE_SHAPE_SQL);
      const { schema, tables } = shape.rows[0];
      const rows = tables.length
        ? await this.pg.exec(
            tables
              .map(
                (t) =>
                  `SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY to_jsonb(x)::text), '[]') AS rows FROM ${quoteIdent(t)} AS x;`,
              )
              .join('\n'),
          )
        : [];
      return {
        schema,
        tables: Object.fromEntries(tables.map((t, i) => [t, (rows[i].rows[0] as { rows: Row[] }).rows])),
      };
    });
  }

  close(): Promise<void> {
    return this.pg.close();
  }
}
