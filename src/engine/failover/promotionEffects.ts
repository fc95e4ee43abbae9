/**
 * What a promotion does to data, as pure pieces the orchestrator applies: the sequence
 * jump PostgreSQL shows on a promoted standby, and which acknowledged transactions the
 * promoted node never received (lost). No I/O here.
 */

import type { LogEntry } from '../replication/primaryLog.ts';
import type { History } from '../sim/history.ts';

/**
 * After a promotion the node's sequences continue from their last WAL-logged value, 32
 * ahead of the last id used (PostgreSQL logs sequences in steps of 32): rows 1-4 on the old
 * primary, then 34 on the promoted standby.
 */
export const SEQUENCE_AFTER_PROMOTION_SQL = ['orders.order_id', 'order_items.order_item_id']
  .map((c) => {
    const [t, col] = c.split('.');
    return `SELECT setval(pg_get_serial_sequence('${t}', '${col}'), greatest(33 * ceil(coalesce(max(${col}), 0) / 33.0)::int, 1), max(${col}) IS NOT NULL) FROM ${t};`;
  })
  .join('\n');

/**
 * Lost: transactions acknowledged to a customer (by whichever node was primary then) among
 * `tail`, what the old timeline had beyond the fork point. Order ids can repeat across
 * timelines, so acknowledgements are matched by node, entry and position.
 */
export function lostWrites(history: History, tail: readonly LogEntry[]): { orderIds: number[]; ops: number[] } {
  const key = (node: string, entry: number, lsn: number) => `${node}/${entry}/${lsn}`;
  const acks = new Map(history.ofType('write.ok').map((w) => [key(w.node, w.entry, w.lsn), w.op]));
  const lost = tail.filter((e) => acks.has(key(e.walNode, e.index, e.lsn)));
  return {
    orderIds: lost.flatMap((e) => e.orderIds),
    ops: lost.map((e) => acks.get(key(e.walNode, e.index, e.lsn)) ?? 0),
  };
}
