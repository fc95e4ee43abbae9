import { afterEach, describe, expect, it } from 'vitest';
import type { AckedWrite, ReadVerdict } from '../../engine/index.ts';
import { readVerdict } from '../shared/testing/readVerdict.ts';
import {
  describeHighlight,
  highlightFor,
  highlightRole,
  isHighlighted,
  missedLabel,
  nodeLabel,
  useHighlight,
} from './highlight.ts';

const own = (orderId: number, lsn: number): AckedWrite => ({ orderId, op: orderId, user: 1001, lsn, ackAt: 1000 });

function verdict(over: Partial<ReadVerdict>): ReadVerdict {
  return readVerdict({ op: 17, at: 1200, doneAt: 1205, replayLsn: 0x1a2a00, latencyMs: 5, ...over });
}

afterEach(() => useHighlight.getState().clear());

describe('the topology highlight for a timeline mark', () => {
  it('names the serving node, the node that acknowledged the missed orders, and those orders', () => {
    const v = verdict({
      anomalies: ['stale', 'read-your-writes'],
      missedOwn: [own(41, 0x1a2b00), own(42, 0x1a2b3c)],
      missedWrite: own(42, 0x1a2b3c),
      stale: true,
    });
    const h = highlightFor('read-your-writes', v, 'primary');
    expect(h).toEqual({
      nodes: ['replica-1', 'primary'],
      orderIds: [41, 42],
      lsn: 0x1a2b3c,
      served: { node: 'replica-1', op: 17, replayLsn: 0x1a2a00 },
      ackedBy: 'primary',
    });
    expect(highlightRole(h, 'replica-1')).toBe('served');
    expect(highlightRole(h, 'primary')).toBe('acked');
    expect(highlightRole(h, 'replica-2')).toBeUndefined();
    expect(highlightRole(null, 'replica-1')).toBeUndefined();
    expect(nodeLabel(h, 'replica-1')).toBe('missed orders #41, #42');
    expect(nodeLabel(h, 'primary')).toBe('acknowledged #41, #42');
    expect(describeHighlight(h)).toBe(
      'Highlighted for the open evidence: replica-1 served read 17, replayed to 0/1A2A00, and missed orders #41, #42; ' +
        'primary acknowledged it at LSN 0/1A2B3C.',
    );
    // The stale mark of the same read names only the newest write the node had not replayed.
    expect(highlightFor('stale', v, 'primary').orderIds).toEqual([42]);
  });

  it('highlights the dots of the missed orders, and a write with no order by its LSN', () => {
    const h = highlightFor('stale', verdict({ anomalies: ['stale'], missedWrite: own(42, 500) }), 'primary');
    expect(isHighlighted(h, { orderIds: [42], lsn: 500 })).toBe(true);
    expect(isHighlighted(h, { orderIds: [43], lsn: 600 })).toBe(false);
    expect(isHighlighted(null, { orderIds: [42], lsn: 500 })).toBe(false);
    const noOrder = highlightFor('stale', verdict({ anomalies: ['stale'], missedWrite: own(-1, 700) }));
    expect(noOrder.orderIds).toEqual([]);
    expect(missedLabel(noOrder)).toBe('missed a write');
    expect(isHighlighted(noOrder, { orderIds: [], lsn: 700 })).toBe(true);
    expect(isHighlighted(noOrder, { orderIds: [], lsn: 701 })).toBe(false);
    // Without the acknowledging node (not found in the history) only the serving node is lit.
    expect(noOrder.nodes).toEqual(['replica-1']);
  });

  it('for a monotonic mark, lights the node of the earlier read and the orders that vanished', () => {
    const v = verdict({
      node: 'replica-2',
      anomalies: ['monotonic'],
      vanished: { op: 12, node: 'replica-1', orderIds: [40] },
    });
    const h = highlightFor('monotonic', v);
    expect(h.nodes).toEqual(['replica-2', 'replica-1']);
    expect(highlightRole(h, 'replica-1')).toBe('related');
    expect(nodeLabel(h, 'replica-1')).toBe('earlier read saw #40');
    expect(describeHighlight(h)).toContain('replica-1 served the earlier read');
  });

  it('is set and cleared through its store', () => {
    const h = highlightFor('stale', verdict({ anomalies: ['stale'], missedWrite: own(42, 500) }), 'primary');
    useHighlight.getState().set(h);
    expect(useHighlight.getState().highlight).toBe(h);
    useHighlight.getState().clear();
    expect(useHighlight.getState().highlight).toBeNull();
  });
});
