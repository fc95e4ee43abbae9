/**
 * The SQL a shard runs, as text (no I/O): placing an order with its one item in one
 * statement whose RETURNING clause is the change capture, reading a user's orders, the
 * scatter queries, the copy's consistent snapshot, VDiff-style checksums, removing moved
 * rows, and the shard-prefixed id ranges of global ids.
 */
import { sqlLiteral } from '../db/applySql.ts';
import type { SqlValue } from '../db/types.ts';

/** The app's own writes are captured from RETURNING; the capture triggers stay off on shards. */
export const CAPTURE_OFF = "SET replica_lab.capture = 'off';";

/** Global ids: shard number k (shard-0 is 1) owns ids k * ID_BLOCK + 1 ...: `orders.order_id` is an int4. */
export const ID_BLOCK = 100_000_000;
export const MAX_ID_BLOCKS = 21;

const intList = (ids: number[]) => `'{${ids.map((n) => String(Math.trunc(n))).join(',')}}'::int[]`;

/** Starts a shard's sequences in its own block of ids (shard-prefixed ids). */
export function globalIdsSql(block: number): string {
  const start = block * ID_BLOCK + 1;
  return `${CAPTURE_OFF}
ALTER SEQUENCE orders_order_id_seq RESTART WITH ${start};
ALTER SEQUENCE order_items_order_item_id_seq RESTART WITH ${start};`;
}

/** After copying rows with their ids in: sequences continue above the highest id, as pg_dump's setval does. */
export const SEQUENCES_ABOVE_MAX_SQL = `SELECT setval('orders_order_id_seq', greatest(1, (SELECT coalesce(max(order_id), 0) FROM orders)), (SELECT count(*) > 0 FROM orders)),
  setval('order_items_order_item_id_seq', greatest(1, (SELECT coalesce(max(order_item_id), 0) FROM order_items)), (SELECT count(*) > 0 FROM order_items));`;

/**
 * One order and its one item, in one statement (so one transaction), returning both rows
 * as stored: the same capture the replicated primary takes from RETURNING.
 */
export function placeOrderSql(order: Record<string, SqlValue>, productId: number): string {
  const cols = Object.keys(order);
  return `${CAPTURE_OFF}
WITH o AS (INSERT INTO orders (${cols.join(', ')}) VALUES (${cols.map((c) => sqlLiteral(order[c])).join(', ')}) RETURNING *),
     i AS (INSERT INTO order_items (order_id, product_id, quantity, unit_price)
           SELECT o.order_id, p.product_id, 1, p.price FROM o, products p WHERE p.product_id = ${Math.trunc(productId)} RETURNING *)
SELECT (SELECT to_json(o) FROM o)::text AS o_row, (SELECT coalesce(json_agg(i), '[]') FROM i)::text AS i_rows`;
}

/** The document's sharded createOrder, literally: an INSERT without RETURNING (rolled back: it only shows what rows[0] is). */
export function seedCreateOrderSql(order: Record<string, SqlValue>): string {
  return `INSERT INTO orders (user_id, total_amount, status, created_at) VALUES (${sqlLiteral(order.user_id)}, ${sqlLiteral(order.total_amount)}, 'PENDING', ${sqlLiteral(order.created_at)})`;
}

export function readOrdersSql(user: number): string {
  return `SELECT order_id FROM orders WHERE user_id = ${Math.trunc(user)} ORDER BY order_id`;
}

/** The rows of `users` (orders and their items): the copy's snapshot, read in one statement so it is consistent. */
export function snapshotRowsSql(users: number[]): string {
  return `SELECT
  (SELECT coalesce(json_agg(o ORDER BY o.order_id), '[]') FROM orders o WHERE o.user_id = ANY(${intList(users)}))::text AS orders,
  (SELECT coalesce(json_agg(i ORDER BY i.order_item_id), '[]') FROM order_items i JOIN orders o USING (order_id)
     WHERE o.user_id = ANY(${intList(users)}))::text AS items`;
}

/** VDiff: row count and an md5 over every column of `users`' orders, in key order. */
export function checksumSql(users: number[]): string {
  return `SELECT count(*)::int AS n, coalesce(md5(string_agg(o::text, ',' ORDER BY o.order_id)), '') AS sum
  FROM orders o WHERE o.user_id = ANY(${intList(users)})`;
}

/** Removes `users`' rows (a move's clean-up on the source, or an aborted move's copies on the target). */
export function deleteUsersSql(users: number[]): string {
  return `BEGIN READ WRITE;
SET LOCAL session_replication_role = replica;
DELETE FROM order_items WHERE order_id IN (SELECT order_id FROM orders WHERE user_id = ANY(${intList(users)}));
DELETE FROM orders WHERE user_id = ANY(${intList(users)});
COMMIT;`;
}

/** A scatter query's part on one shard, restricted to the users that shard serves reads for. */
export function scatterSql(query: 'top-products' | 'order-count', users: number[]): string {
  if (query === 'order-count') {
    return `SELECT count(*)::int AS orders FROM orders WHERE user_id = ANY(${intList(users)})`;
  }
  return `SELECT p.product_id, p.name, sum(oi.quantity)::int AS total_sold
  FROM order_items oi JOIN orders o USING (order_id) JOIN products p ON p.product_id = oi.product_id
 WHERE o.user_id = ANY(${intList(users)})
 GROUP BY p.product_id, p.name`;
}

/** Every order key on a shard: (order_id, user_id), for the lost and duplicate checks. */
export const ORDER_KEYS_SQL = 'SELECT order_id, user_id FROM orders ORDER BY order_id';
