/**
 * The consistency checker's verdict on one read, in plain words: a badge per anomaly and
 * the evidence that proves it (which acknowledged write the read missed, at what LSN, and
 * how far the serving node had replayed). Text only.
 */
import { type Anomaly, formatLsn, type ReadVerdict } from '../../engine/index.ts';
import { formatIds, formatMs } from '../../page/format.ts';

export const ANOMALY_LABEL: Record<Anomaly, string> = {
  stale: 'Stale',
  'read-your-writes': 'Read-your-writes violation',
  monotonic: 'Monotonic-read violation',
};

export const ANOMALY_MEANING: Record<Anomaly, string> = {
  stale: 'the node had not replayed a write already acknowledged to someone',
  'read-your-writes': "the read missed the user's own acknowledged order",
  monotonic: 'the read saw fewer of the user’s orders than an earlier read: time went backwards',
};

export const ACTION_LABEL: Record<string, string> = {
  readOrders: 'my orders',
  browse: 'browse products',
  analyticsQuery: 'analytics',
};

export interface Evidence {
  anomaly: Anomaly;
  text: string;
}

function orders(ids: readonly number[]): string {
  return `${ids.length === 1 ? 'order' : 'orders'} ${formatIds(ids)}`;
}

export function evidenceOf(v: ReadVerdict): Evidence[] {
  const out: Evidence[] = [];
  for (const anomaly of v.anomalies) {
    if (anomaly === 'stale' && v.missedWrite) {
      const w = v.missedWrite;
      const what = w.orderId < 0 ? 'a write' : `${w.user === v.user ? '' : `user ${w.user}'s `}order #${w.orderId}`;
      const replayed = v.replayLsn === undefined ? '' : `; ${v.node} had replayed only to ${formatLsn(v.replayLsn)}`;
      out.push({
        anomaly,
        text: `missed ${what} acknowledged at ${formatMs(w.ackAt)} (LSN ${formatLsn(w.lsn)})${replayed}`,
      });
    } else if (anomaly === 'read-your-writes' && v.missedOwn.length > 0) {
      const ids = v.missedOwn.map((w) => w.orderId);
      const last = v.missedOwn[v.missedOwn.length - 1];
      const one = ids.length === 1;
      const when = one
        ? `was acknowledged at ${formatMs(last.ackAt)} (LSN ${formatLsn(last.lsn)})`
        : `were acknowledged (the last at ${formatMs(last.ackAt)}, LSN ${formatLsn(last.lsn)})`;
      out.push({
        anomaly,
        text: `user ${v.user}'s own ${orders(ids)} ${when} but ${one ? 'is' : 'are'} not in the result`,
      });
    } else if (anomaly === 'monotonic' && v.vanished) {
      const { op, node, orderIds } = v.vanished;
      const one = orderIds.length === 1;
      out.push({
        anomaly,
        text: `${orders(orderIds)} ${one ? 'was' : 'were'} in an earlier read (op ${op} on ${node}) and ${one ? 'is' : 'are'} gone now`,
      });
    } else {
      out.push({ anomaly, text: ANOMALY_MEANING[anomaly] });
    }
  }
  return out;
}
