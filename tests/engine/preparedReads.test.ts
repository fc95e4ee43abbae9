/**
 * The engine's own reads are prepared once per node (NodeCore.read): they answer as the
 * plain query does, follow schema changes, survive a console run's DISCARD ALL, and a
 * statement that cannot run fails with PostgreSQL's own error, as it did unprepared.
 */
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../src/engine/index.ts';
import { bootInProcessNode } from '../../src/platform/node/inProcessNode.ts';
import { loadSnapshot } from '../../src/platform/node/nodeFactory.ts';

const LIMITS = { maxRows: 500, timeoutS: 3, maxTimeoutS: 10 };

describe('prepared engine reads', () => {
  it('answer as the plain query, across schema changes and console sessions', async () => {
    const node = await bootInProcessNode(loadSnapshot(), 'primary');
    try {
      const browse = "SELECT product_id, name FROM products WHERE category = 'Books & Media' ORDER BY product_id";
      const [plain] = await node.exec(browse);
      expect((await node.read(browse)).rows).toEqual(plain.rows);
      expect((await node.read(browse)).rows).toEqual(plain.rows);
      // A console run ends with DISCARD ALL, which drops every prepared statement.
      await node.console("INSERT INTO products VALUES (99, 'Atlas', 'Books & Media', 30)", LIMITS);
      expect((await node.read(browse)).rows.map((r) => r.product_id)).toEqual([
        ...plain.rows.map((r) => r.product_id),
        99,
      ]);
      // The plan follows a schema change made after it was prepared (as a replica applies DDL: no DISCARD).
      expect((await node.read(browse)).rows).toHaveLength(plain.rows.length + 1);
      await node.exec('ALTER TABLE products RENAME COLUMN name TO title');
      const error = await node.read(browse).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SqlError);
      const plainError = await node.exec(browse).catch((e: unknown) => e);
      expect((error as SqlError).message).toBe((plainError as SqlError).message);
      expect((error as SqlError).info.code).toBe('42703');
    } finally {
      await node.close();
    }
  }, 120_000);
});
