/**
 * Builds the SQL a replica runs to apply a batch of captured transactions: one database
 * transaction, triggers off (`session_replication_role = replica`, as PostgreSQL's own
 * logical apply workers do), consecutive inserts or deletes into one table merged into a
 * single set-based statement. Pure: returns text, runs nothing.
 */
import type { CapturedTxn, RowChange, SqlValue } from './types.ts';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `'${value.replaceAll("'", "''")}'`;
}

export function jsonLiteral(value: unknown): string {
  return `'${JSON.stringify(value).replaceAll("'", "''")}'::jsonb`;
}

/** Null-safe comparison for whole-row keys (a learner's table without a primary key); `=` for keys, so indexes serve. */
function keyMatch(table: string, alias: string, key: Record<string, unknown>, fullRow: boolean): string {
  const op = fullRow ? 'IS NOT DISTINCT FROM' : '=';
  return Object.keys(key)
    .map((k) => `${quoteIdent(table)}.${quoteIdent(k)} ${op} ${alias}.${quoteIdent(k)}`)
    .join(' AND ');
}

/** Whether a change's key is the whole old row (see RowChange.key). */
const isFullRow = (c: RowChange) => c.oldRow !== null && Object.keys(c.key).length === Object.keys(c.oldRow).length;

function insertRun(table: string, run: RowChange[]): string {
  const t = quoteIdent(table);
  return `INSERT INTO ${t} SELECT * FROM jsonb_populate_recordset(NULL::${t}, ${jsonLiteral(run.map((c) => c.newRow))});`;
}

function deleteRun(table: string, run: RowChange[]): string {
  const t = quoteIdent(table);
  const keys = run.map((c) => c.key);
  return `DELETE FROM ${t} USING jsonb_populate_recordset(NULL::${t}, ${jsonLiteral(keys)}) AS k WHERE ${keyMatch(table, 'k', keys[0], isFullRow(run[0]))};`;
}

function updateOne(table: string, change: RowChange): string {
  const t = quoteIdent(table);
  const cols = Object.keys(change.newRow ?? {})
    .map(quoteIdent)
    .join(', ');
  return `UPDATE ${t} SET (${cols}) = (SELECT ${cols} FROM jsonb_populate_record(NULL::${t}, ${jsonLiteral(change.newRow)})) FROM jsonb_populate_record(NULL::${t}, ${jsonLiteral(change.key)}) AS k WHERE ${keyMatch(table, 'k', change.key, isFullRow(change))};`;
}

/** Groups consecutive changes of the same table and operation, keeping order. */
export function changeRuns(changes: RowChange[]): RowChange[][] {
  const runs: RowChange[][] = [];
  for (const c of changes) {
    const last = runs.at(-1);
    if (last && last[0].table === c.table && last[0].op === c.op && (c.op === 'INSERT' || c.op === 'DELETE'))
      last.push(c);
    else runs.push([c]);
  }
  return runs;
}

export function applyBatchSql(txns: CapturedTxn[]): string {
  const statements: string[] = [];
  for (const run of changeRuns(txns.flatMap((t) => t.changes))) {
    const { table, op } = run[0];
    if (op === 'DDL') statements.push(`${run[0].sql};`, 'SELECT replica_lab.install_triggers();');
    else if (op === 'TRUNCATE') statements.push(`TRUNCATE ${quoteIdent(table)} CASCADE;`);
    else if (op === 'INSERT') statements.push(insertRun(table, run));
    else if (op === 'DELETE') statements.push(deleteRun(table, run));
    else statements.push(updateOne(table, run[0]));
  }
  return ['BEGIN READ WRITE;', 'SET LOCAL session_replication_role = replica;', ...statements, 'COMMIT;'].join('\n');
}
