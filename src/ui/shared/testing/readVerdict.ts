/** Test fixture: a checker verdict on one read, fresh and fine unless `over` says otherwise. */
import type { ReadVerdict } from '../../../engine/index.ts';

export function readVerdict(over: Partial<ReadVerdict> & { op: number }): ReadVerdict {
  return {
    at: 0,
    doneAt: 0,
    user: 1001,
    client: 'user-1001',
    action: 'readOrders',
    node: 'replica-1',
    ok: true,
    orderIds: [],
    latencyMs: 1,
    anomalies: [],
    missedOwn: [],
    stale: false,
    ...over,
  };
}
