/**
 * Throwing away a divergent tail, as pg_rewind does for an old primary (or a replica that
 * received more than the promoted node had): the changes of the given transactions are
 * undone newest first, triggers off (pure: SQL text); and when a fresh copy must take the
 * whole data directory rather than the shop's rows.
 */
import { jsonLiteral, quoteIdent } from '../db/applySql.ts';
import { REPLICATED_TABLES } from '../db/schema.ts';
import type { NodeHandle, RowChange } from '../db/types.ts';

function keyMatch(change: RowChange, row: Record<string, unknown> | null): string {
  const t = quoteIdent(change.table);
  const key = Object.fromEntries(Object.keys(change.key).map((k) => [k, row?.[k]]));
  return `(${Object.keys(key)
    .map((k) => `${t}.${quoteIdent(k)}`)
    .join(', ')}) = (SELECT ${Object.keys(key)
    .map(quoteIdent)
    .join(', ')} FROM jsonb_populate_record(NULL::${t}, ${jsonLiteral(key)}))`;
}

function undoOne(c: RowChange): string {
  const t = quoteIdent(c.table);
  if (c.op === 'INSERT') return `DELETE FROM ${t} WHERE ${keyMatch(c, c.newRow)};`;
  if (c.op === 'DELETE')
    return `INSERT INTO ${t} SELECT * FROM jsonb_populate_record(NULL::${t}, ${jsonLiteral(c.oldRow)});`;
  if (c.op === 'UPDATE') {
    const cols = Object.keys(c.oldRow ?? {})
      .map(quoteIdent)
      .join(', ');
    return `UPDATE ${t} SET (${cols}) = (SELECT ${cols} FROM jsonb_populate_record(NULL::${t}, ${jsonLiteral(c.oldRow)})) WHERE ${keyMatch(c, c.newRow)};`;
  }
  throw new Error(`a ${c.op} cannot be rewound: the node needs a fresh copy`);
}

/** SQL that undoes `txns` (oldest first in the argument), or undefined if one cannot be undone. */
export function rewindSql(txns: { changes: RowChange[] }[]): string | undefined {
  const changes = txns.flatMap((t) => t.changes).reverse();
  if (changes.some((c) => c.op === 'TRUNCATE' || c.op === 'DDL')) return undefined;
  if (changes.length === 0) return '';
  return [
    'BEGIN READ WRITE;',
    'SET LOCAL session_replication_role = replica;',
    ...changes.map(undoOne),
    'COMMIT;',
  ].join('\n');
}

/** SQL that replaces every replicated table's rows with `tables` (a fresh copy of a primary). */
export function copyTablesSql(tables: Record<string, Record<string, unknown>[]>): string {
  const order = REPLICATED_TABLES.map((t) => t.name);
  return [
    'BEGIN READ WRITE;',
    'SET LOCAL session_replication_role = replica;',
    ...[...order].reverse().map((t) => `DELETE FROM ${quoteIdent(t)};`),
    ...order
      .filter((t) => (tables[t] ?? []).length > 0)
      .map(
        (t) =>
          `INSERT INTO ${quoteIdent(t)} SELECT * FROM jsonb_populate_recordset(NULL::${quoteIdent(t)}, ${jsonLiteral(tables[t])});`,
      ),
    'COMMIT;',
  ].join('\n');
}

/** Whether copying the shop's rows is not enough: the schemas differ, or there are tables the shop does not have. */
export async function needsWholeCopy(leader: NodeHandle, node: NodeHandle): Promise<boolean> {
  const [a, b] = await Promise.all([leader.dumpDatabase(), node.dumpDatabase()]);
  const shop = new Set(REPLICATED_TABLES.map((t) => t.name));
  const extra = (tables: Record<string, unknown>) => Object.keys(tables).some((t) => !shop.has(t));
  return JSON.stringify(a.schema) !== JSON.stringify(b.schema) || extra(a.tables) || extra(b.tables);
}
