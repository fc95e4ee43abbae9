/**
 * Change capture stays exact after a failed write: an app insert that fails (here a user
 * that does not exist) must not leave the capture triggers on for the next app insert,
 * which would then be captured twice, once into a session variable nobody takes, and
 * shipped again by the next console write. Found by fuzzing the console on reused nodes
 * (replicas failed to apply a duplicate order).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type NodeHandle, placeOrderRow } from '../../src/engine/index.ts';
import { bootInProcessNode } from '../../src/platform/node/inProcessNode.ts';
import { loadSnapshot } from '../../src/platform/node/nodeFactory.ts';

const LIMITS = { maxRows: 10, timeoutS: 3, maxTimeoutS: 30 };
let node: NodeHandle | undefined;
afterAll(() => node?.close());

describe('change capture after a failed app insert', () => {
  it('captures the next insert once, and a console write ships only its own change', async () => {
    node = await bootInProcessNode(loadSnapshot(), 'primary');
    await expect(node.insert('orders', [placeOrderRow(999_999, 5, Date.UTC(2026, 0, 1))])).rejects.toThrow(
      /foreign key/,
    );
    const ok = await node.insert('orders', [placeOrderRow(1001, 7, Date.UTC(2026, 0, 1))]);
    expect(ok.txns.flatMap((t) => t.changes)).toHaveLength(1);
    const leftover = await node.query("SELECT coalesce(current_setting('replica_lab.captured', true), '') AS c");
    expect(leftover.rows[0].c).toBe('');
    const consoleWrite = await node.console('UPDATE products SET price = price + 1 WHERE product_id = 1', LIMITS);
    const shipped = consoleWrite.txns.flatMap((t) => t.changes.map((c) => `${c.table} ${c.op}`));
    expect(shipped).toEqual(['products UPDATE']);
  });
});
