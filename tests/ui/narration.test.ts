/**
 * The narration's sentences from a real run: a real cluster (in-process PGlite) with one
 * replica 2 s behind, one that holds what it receives for 3 s, and one disconnected; a
 * write, stale reads from each, and fresh reads the read-your-writes strategies route. The
 * history, replication rows, shipments and checker verdicts are the engine's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyReads, type ReadVerdict } from '../../src/engine/checker/consistency.ts';
import type { Cluster } from '../../src/engine/cluster/cluster.ts';
import { formatLsn } from '../../src/engine/db/lsn.ts';
import type { EventOf } from '../../src/engine/sim/history.ts';
import {
  about,
  deliveryOf,
  describeRead,
  describeWrite,
  findOp,
  type ReadContext,
} from '../../src/ui/narration/narrationText.ts';
import { bootCluster, settle } from '../harness.ts';

const USER = 1001;
let c: Cluster;

beforeAll(async () => {
  c = await bootCluster({ seed: 1, lagMs: [2000, 200, 200], jitterMs: 0, applyDelayMs: [0, 3000, 0] });
  await settle(c, c.send({ do: 'disconnect', node: 'replica-3' }));
});
afterAll(async () => {
  await c?.close();
});

function context(): ReadContext {
  const snapshot = c.getSnapshot();
  return {
    history: c.history.all(),
    rows: snapshot.replication,
    primary: snapshot.failover.primary,
    shipments: c.shipments(),
    strategy: snapshot.app.strategies.orders.name,
  };
}

function verdictOf(op: number): ReadVerdict {
  const v = classifyReads(c.history.all()).find((r) => r.op === op);
  if (!v) throw new Error(`no verdict for read ${op}`);
  return v;
}

describe('narration from a real run', () => {
  let ack: EventOf<'write.ok'>;
  let orderId: number;

  it('says who acknowledged the order at which LSN, and when each replica gets it', async () => {
    const [write] = await settle(c, c.send({ do: 'placeOrder', user: USER, total: 42 }));
    expect(write.ok).toBe(true);
    orderId = write.orderId ?? -1;
    ack = c.history.ofType('write.ok').at(-1)!;
    const sentence = describeWrite(c.history.all(), write.op, c.getSnapshot().replication, c.shipments());
    expect(sentence).toBe(
      `Order #${orderId} acknowledged by primary at LSN ${formatLsn(ack.lsn)} (${(ack.at / 1000).toFixed(2)} s). ` +
        'replica-1 receives it in ~2.0 s, replica-2 in ~0.2 s; replica-3 is disconnected.',
    );
  });

  it('explains a read that misses the order because it is still on the link', async () => {
    const [read] = await settle(c, c.send({ do: 'readOrders', user: USER, node: 'replica-1' }));
    const v = verdictOf(read.op);
    expect(v.anomalies).toEqual(['stale', 'read-your-writes']);
    const sentence = describeRead(v, context());
    expect(sentence).toContain(`Read ${read.op} by user-${USER} missed order #${orderId}`);
    expect(sentence).toContain(`acknowledged by primary at LSN ${formatLsn(ack.lsn)}`);
    expect(sentence).toContain(`replica-1 served the read at replay LSN ${formatLsn(read.replayLsn ?? -1)}`);
    // Sent at the commit, 2,000 ms on the link: it arrives 2 s after the send, measured from the query.
    const sent = c.history
      .all()
      .find((e) => e.type === 'repl.sent' && e.node === 'replica-1' && e.entry === ack.entry)!;
    const queryAt = v.at + (findOp(c.history.all(), 'read.ok', read.op)?.waitedMs ?? 0);
    expect(sentence).toContain(
      `has not received it yet: it is still on the link and arrives in ${about(sent.at + 2000 - queryAt)}, so this read misses it.`,
    );
    expect(about(sent.at + 2000 - queryAt)).toMatch(/^~(1\.9|2\.0) s$/);
  });

  it('explains a read from a replica that received the order but holds it for its apply delay', async () => {
    await c.clock.advance(400);
    const [read] = await settle(c, c.send({ do: 'readOrders', user: USER, node: 'replica-2' }));
    const v = verdictOf(read.op);
    expect(v.stale).toBe(true);
    const received = c.history
      .all()
      .find((e) => e.type === 'repl.received' && e.node === 'replica-2' && e.entry === ack.entry)!;
    expect(received.at).toBeLessThan(v.at);
    const sent = c.history
      .all()
      .find((e) => e.type === 'repl.sent' && e.node === 'replica-2' && e.entry === ack.entry)!;
    const sentence = describeRead(v, context());
    expect(sentence).toContain(`missed order #${orderId}`);
    // Replayed 3,000 ms after the commit: the apply delay's end, measured from the query.
    expect(sentence).toContain(
      `replica-2 served the read at replay LSN ${formatLsn(read.replayLsn ?? -1)} and received it at ${(received.at / 1000).toFixed(2)} s ` +
        `but has not replayed it yet (held back by its 3,000 ms apply delay, replays it in ${about(sent.at + 3000 - v.at)}), so this read misses it.`,
    );
    expect(about(sent.at + 3000 - v.at)).toBe('~2.6 s');
  });

  it('explains a read from a disconnected replica', async () => {
    const [read] = await settle(c, c.send({ do: 'readOrders', user: USER, node: 'replica-3' }));
    const sentence = describeRead(verdictOf(read.op), context());
    expect(sentence).toContain(`missed order #${orderId}`);
    expect(sentence).toContain('replica-3 served the read at replay LSN');
    expect(sentence).toContain('is disconnected from primary, so it has not received it');
  });

  it('knows when the replica replayed it, once the history does', async () => {
    await c.clock.advance(4000);
    const history = c.history.all();
    const from = findOp(history, 'write.invoke', ack.op)!.seq;
    const applied = history.find((e) => e.type === 'repl.applied' && e.node === 'replica-2' && e.entry === ack.entry)!;
    expect(deliveryOf(history, from, 'replica-2', ack.entry, applied.at - 1)).toMatchObject({
      stage: 'queued',
      appliedAt: applied.at,
    });
    expect(deliveryOf(history, from, 'replica-2', ack.entry, applied.at)).toEqual({ stage: 'applied', at: applied.at });
    expect(deliveryOf(history, from, 'replica-3', ack.entry, applied.at)).toEqual({ stage: 'not-sent' });
  });

  it('says why a read is fresh: caught up, routed to the primary by the strategy, or lsn-wait waited', async () => {
    const [caughtUp] = await settle(c, c.send({ do: 'readOrders', user: USER, node: 'replica-1' }));
    expect(describeRead(verdictOf(caughtUp.op), context())).toBe(
      `Read ${caughtUp.op} by user-${USER} is fresh: replica-1 served it at replay LSN ${formatLsn(caughtUp.replayLsn ?? -1)} ` +
        '(sent straight to this node) and had replayed every write acknowledged before the read began.',
    );

    await settle(
      c,
      c.send({ do: 'setSessionStore', store: 'shared' }),
      c.send({ do: 'setRywStrategy', strategy: 'primary-after-write', kind: 'orders' }),
    );
    await settle(c, c.send({ do: 'placeOrder', user: USER, total: 43 }));
    const [onPrimary] = await settle(c, c.send({ do: 'readOrders', user: USER }));
    expect(onPrimary.node).toBe('primary');
    expect(describeRead(verdictOf(onPrimary.op), context())).toBe(
      `Read ${onPrimary.op} by user-${USER} is fresh: primary served it at LSN ${formatLsn(onPrimary.replayLsn ?? -1)}, ` +
        'which has every acknowledged write: routing sent it there because this session has written: read from the primary ' +
        '(read-your-writes strategy primary-after-write).',
    );

    await settle(c, c.send({ do: 'setRywStrategy', strategy: 'lsn-wait', timeoutMs: 5000, kind: 'orders' }));
    await settle(c, c.send({ do: 'placeOrder', user: USER, total: 44 }));
    const [waited] = await settle(c, c.send({ do: 'readOrders', user: USER }));
    expect(waited.node).toMatch(/^replica-[12]$/);
    const sentence = describeRead(verdictOf(waited.op), context());
    expect(sentence).toMatch(
      new RegExp(
        `^Read ${waited.op} by user-${USER} is fresh: ${waited.node} served it at replay LSN [0-9A-F]+/[0-9A-F]+ after waiting [\\d,]+ ms for it to replay this session's last write \\(lsn-wait\\)\\.$`,
      ),
    );

    // A replica that cannot catch up within the timeout: the read falls back to the primary.
    await settle(
      c,
      c.send({ do: 'setRywStrategy', strategy: 'lsn-wait', timeoutMs: 100, kind: 'orders' }),
      c.send({ do: 'setLag', node: 'replica-2', ms: 5000 }),
    );
    await settle(c, c.send({ do: 'placeOrder', user: USER, total: 45 }));
    const [fellBack] = await settle(c, c.send({ do: 'readOrders', user: USER }));
    expect(fellBack.node).toBe('primary');
    const routed = findOp(c.history.all(), 'read.invoke', fellBack.op)!.node;
    expect(routed).toMatch(/^replica-\d$/);
    expect(describeRead(verdictOf(fellBack.op), context())).toBe(
      `Read ${fellBack.op} by user-${USER} is fresh: primary served it at LSN ${formatLsn(fellBack.replayLsn ?? -1)}, ` +
        `because ${routed} had not replayed this session's last write after waiting 100 ms (lsn-wait), ` +
        'so the read fell back to primary, which has every acknowledged write.',
    );
  });
});
