/**
 * The SQL console cannot break the shop or teach something false (issue 13), each case
 * found on a real PostgreSQL primary and standby and checked here on real PGlite nodes:
 * DDL replicates, console sessions leave nothing behind, replicas answer as hot standbys,
 * the capture machinery is off limits, pg_sleep honours the statement timeout, results are
 * capped, and a recovering node says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Cluster, SqlError } from '../../src/engine/index.ts';
import { bootCluster, settle } from '../harness.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** Runs console SQL on `node`; resolves with the outcome or PostgreSQL's error. */
async function sql(c: Cluster, node: string, text: string) {
  try {
    const [out] = await settle(c, c.send({ do: 'sql', node, text }));
    return { ok: true as const, ...out };
  } catch (err) {
    return { ok: false as const, error: (err as SqlError).info ?? { message: String(err) } };
  }
}

async function placeOrder(c: Cluster, user = 1001) {
  const [w] = await settle(c, c.send({ do: 'placeOrder', user, total: 12 }));
  return w;
}

describe('the SQL console', () => {
  it('replicates DDL in log order: a new table and its rows, and a new column, reach every replica', async () => {
    cluster = await bootCluster({ seed: 3, lagMs: 100, jitterMs: 0 });
    const c = cluster;
    const created = await sql(
      c,
      'primary',
      `CREATE TABLE coupons (code text PRIMARY KEY, percent int NOT NULL);
       INSERT INTO coupons VALUES ('WELCOME', 10), ('VIP', 25);
       ALTER TABLE orders ADD COLUMN note text;
       CREATE INDEX coupons_percent_idx ON coupons (percent);`,
    );
    expect(created.ok).toBe(true);
    const w = await placeOrder(c);
    expect(w.ok).toBe(true);
    await sql(
      c,
      'primary',
      `UPDATE orders SET note = 'gift' WHERE order_id = ${w.orderId}; DELETE FROM coupons WHERE code = 'VIP'`,
    );
    expect(await c.drain()).toBe(true);
    // The log holds the DDL statements as entries of their own, in order.
    const ddl = c.recentLog(20).flatMap((e) => e.changes.filter((ch) => ch.op === 'DDL').map((ch) => ch.sql));
    expect(ddl).toEqual([
      'CREATE TABLE coupons (code text PRIMARY KEY, percent int NOT NULL)',
      'ALTER TABLE orders ADD COLUMN note text',
      'CREATE INDEX coupons_percent_idx ON coupons (percent)',
    ]);
    for (const replica of ['replica-1', 'replica-2', 'replica-3']) {
      const coupons = await sql(c, replica, 'SELECT code, percent FROM coupons ORDER BY code');
      expect(coupons.ok && coupons.results[0].rows).toEqual([{ code: 'WELCOME', percent: 10 }]);
      const note = await sql(c, replica, `SELECT note FROM orders WHERE order_id = ${w.orderId}`);
      expect(note.ok && note.results[0].rows).toEqual([{ note: 'gift' }]);
    }
    expect(await c.converged()).toEqual({ converged: true, differing: [] });
  });

  it('compares schemas for convergence: a replica that missed DDL has not converged', async () => {
    cluster = await bootCluster({ seed: 3, lagMs: 100, jitterMs: 0 });
    const c = cluster;
    await settle(c, c.send({ do: 'disconnect', node: 'replica-2' }));
    await sql(c, 'primary', 'CREATE TABLE wishlist (user_id int, product_id int)');
    await c.drain();
    expect(await c.converged()).toEqual({ converged: false, differing: ['replica-2'] });
  });

  it("keeps a console session's settings and unfinished transaction out of the shop's traffic", async () => {
    cluster = await bootCluster({ seed: 3 });
    const c = cluster;
    const setting = await sql(
      c,
      'primary',
      'SET default_transaction_read_only = on; SHOW default_transaction_read_only',
    );
    expect(setting.ok && setting.results[1].rows).toEqual([{ default_transaction_read_only: 'on' }]);
    expect((await placeOrder(c)).ok).toBe(true);

    const open = await sql(
      c,
      'primary',
      'BEGIN; INSERT INTO orders (user_id, total_amount, created_at) VALUES (1002, 5, now()); CREATE TEMP TABLE scratch (x int); SELECT pg_advisory_lock(1)',
    );
    expect(open).toMatchObject({ ok: true, rolledBack: true });
    const after = await sql(c, 'primary', 'SELECT count(*)::int AS n FROM orders WHERE user_id = 1002');
    expect(after.ok && after.results[0].rows).toEqual([{ n: 0 }]);
    const temp = await sql(c, 'primary', 'SELECT * FROM scratch');
    expect(temp).toMatchObject({ ok: false, error: { code: '42P01' } });
    expect((await placeOrder(c, 1002)).ok).toBe(true);
  });

  it('answers as a hot standby on a replica: no read-write transaction, pg_is_in_recovery() true until promotion', async () => {
    cluster = await bootCluster({ seed: 3, lagMs: 50, jitterMs: 0 });
    const c = cluster;
    const sneak = await sql(
      c,
      'replica-1',
      'BEGIN READ WRITE; INSERT INTO orders (user_id, total_amount, created_at) VALUES (1001, 1, now()); COMMIT;',
    );
    expect(sneak).toMatchObject({
      ok: false,
      error: { message: 'cannot set transaction read-write mode during recovery', code: '0A000' },
    });
    const viaDefault = await sql(
      c,
      'replica-1',
      'SET default_transaction_read_only = off; INSERT INTO orders (user_id, total_amount, created_at) VALUES (1001, 1, now())',
    );
    expect(viaDefault).toMatchObject({
      ok: false,
      error: { message: 'cannot execute INSERT in a read-only transaction', code: '25006' },
    });
    const ddl = await sql(c, 'replica-1', 'CREATE TABLE sneaky (x int)');
    expect(ddl).toMatchObject({ ok: false, error: { code: '25006' } });
    const count = await sql(c, 'replica-1', 'SELECT count(*)::int AS n FROM orders');
    expect(count.ok && count.results[0].rows).toEqual([{ n: 0 }]);

    const recovery = async (node: string) => {
      const r = await sql(c, node, 'SELECT pg_is_in_recovery() AS standby');
      return r.ok ? r.results[0].rows[0].standby : r.error.message;
    };
    expect(await recovery('primary')).toBe(false);
    expect(await recovery('replica-1')).toBe(true);
    const w = await placeOrder(c);
    await c.drain();
    const replayed = await sql(c, 'replica-1', 'SELECT pg_last_wal_replay_lsn()::text AS lsn');
    expect(replayed.ok && replayed.results[0].rows[0].lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(w.ok).toBe(true);

    await settle(c, c.send({ do: 'killNode', node: 'primary' }));
    await c.clock.runUntil(c.clock.now() + 10_000);
    const promoted = c.getSnapshot().failover.primary;
    expect(promoted).not.toBe('primary');
    expect(await recovery(promoted)).toBe(false);
  });

  it('refuses to touch the capture machinery, with a reason, and the next order still replicates', async () => {
    cluster = await bootCluster({ seed: 3 });
    const c = cluster;
    for (const text of [
      'ALTER TABLE orders DISABLE TRIGGER ALL',
      'DROP FUNCTION replica_lab.capture() CASCADE',
      'SET session_replication_role = replica',
    ]) {
      const refused = await sql(c, 'primary', text);
      expect(refused).toMatchObject({
        ok: false,
        error: { message: 'Replica Lab refuses to change its change capture' },
      });
      expect(refused.ok || refused.error.hint).toContain('replica_lab');
    }
    const w = await placeOrder(c);
    expect(w.ok).toBe(true);
    await c.drain();
    expect(await c.converged()).toEqual({ converged: true, differing: [] });
  });

  it('times pg_sleep out with PostgreSQL own error and caps a large result', async () => {
    cluster = await bootCluster({ seed: 3 });
    const c = cluster;
    const slept = await sql(c, 'replica-2', 'SELECT pg_sleep(600)');
    expect(slept).toMatchObject({
      ok: false,
      error: { message: 'canceling statement due to statement timeout', code: '57014' },
    });
    const many = await sql(c, 'primary', 'SELECT g FROM generate_series(1, 2000) AS g');
    expect(many.ok && many.results[0].rows).toHaveLength(500);
    expect(many.ok && many.results[0].omittedRows).toBe(1500);
  });

  it('says a restarted node is not yet accepting connections while it recovers (57P03)', async () => {
    cluster = await bootCluster({ seed: 3, restartMs: 2000 });
    const c = cluster;
    await settle(c, c.send({ do: 'killNode', node: 'replica-3' }));
    await settle(c, c.send({ do: 'restartNode', node: 'replica-3' }));
    const early = await sql(c, 'replica-3', 'SELECT 1');
    expect(early).toMatchObject({
      ok: false,
      error: { message: 'the database system is not yet accepting connections', code: '57P03' },
    });
    const [read] = await settle(c, c.send({ do: 'readOrders', user: 1001, node: 'replica-3' }));
    expect(read).toMatchObject({ ok: false, code: '57P03' });
    await c.clock.runUntil(c.clock.now() + 2500);
    expect(await sql(c, 'replica-3', 'SELECT 1 AS one')).toMatchObject({ ok: true });
  });
});
