import { describe, expect, it } from 'vitest';
import { refusalOf, splitStatements } from './consolePolicy.ts';

describe('console policy', () => {
  it("splits statements at semicolons outside strings, quoted names and dollar quotes, keeping each one's offset", () => {
    const text = 'INSERT INTO t VALUES (\'a;b\');\nDO $$ BEGIN PERFORM 1; END $$; SELECT "x;y" FROM t';
    const parts = splitStatements(text);
    expect(parts.map((p) => p.text)).toEqual([
      "INSERT INTO t VALUES ('a;b')",
      'DO $$ BEGIN PERFORM 1; END $$',
      'SELECT "x;y" FROM t',
    ]);
    for (const p of parts) expect(text.slice(p.offset, p.offset + p.text.length)).toBe(p.text);
  });

  it('refuses changes to the capture machinery on any node, but not the words inside a string', () => {
    expect(refusalOf('ALTER TABLE orders DISABLE TRIGGER ALL', 'primary')?.message).toBe(
      'Replica Lab refuses to change its change capture',
    );
    expect(refusalOf('set session_replication_role = replica', 'replica')?.hint).toContain('replica_lab');
    expect(refusalOf("INSERT INTO notes VALUES ('replica_lab rocks')", 'primary')).toBeUndefined();
    expect(refusalOf('ALTER SYSTEM SET work_mem = 1', 'primary')?.message).toBe('Replica Lab refuses ALTER SYSTEM');
  });

  it('refuses a read-write transaction on a replica as a standby does, and allows what a standby allows', () => {
    const standby = 'cannot set transaction read-write mode during recovery';
    for (const text of [
      'BEGIN READ WRITE',
      'start transaction isolation level serializable, read write',
      'SET TRANSACTION READ WRITE',
      'SET transaction_read_only = off',
      "SELECT set_config('transaction_read_only', 'off', false)",
    ]) {
      expect(refusalOf(text, 'replica'), text).toMatchObject({ message: standby, code: '0A000' });
      expect(refusalOf(text, 'primary'), text).toBeUndefined();
    }
    expect(refusalOf('SHOW transaction_read_only', 'replica')).toBeUndefined();
    expect(refusalOf('SET default_transaction_read_only = off', 'replica')).toBeUndefined();
    expect(refusalOf('-- read write\nSELECT 1', 'replica')).toBeUndefined();
  });
});
