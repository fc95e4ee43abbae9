import { describe, expect, it } from 'vitest';
import { applyBatchSql, changeRuns, jsonLiteral } from './applySql.ts';
import type { RowChange } from './types.ts';

const ins = (table: string, id: number): RowChange => ({
  table,
  op: 'INSERT',
  key: { id },
  oldRow: null,
  newRow: { id },
});

describe('apply SQL', () => {
  it('merges consecutive inserts into one table but keeps the order of everything else', () => {
    const upd: RowChange = { table: 'a', op: 'UPDATE', key: { id: 1 }, oldRow: { id: 1 }, newRow: { id: 1 } };
    const runs = changeRuns([ins('a', 1), ins('a', 2), ins('b', 3), upd, upd, ins('a', 4)]);
    expect(runs.map((r) => `${r[0].table}:${r[0].op}x${r.length}`)).toEqual([
      'a:INSERTx2',
      'b:INSERTx1',
      'a:UPDATEx1',
      'a:UPDATEx1',
      'a:INSERTx1',
    ]);
  });

  it('quotes values so a row image cannot break out of its literal', () => {
    expect(jsonLiteral({ name: "O'Brien" })).toBe(`'{"name":"O''Brien"}'::jsonb`);
    const sql = applyBatchSql([{ xid: 1, lsn: 1, changes: [ins('orders', 1)] }]);
    expect(sql.split('\n')).toEqual([
      'BEGIN READ WRITE;',
      'SET LOCAL session_replication_role = replica;',
      `INSERT INTO "orders" SELECT * FROM jsonb_populate_recordset(NULL::"orders", '[{"id":1}]'::jsonb);`,
      'COMMIT;',
    ]);
  });
});
