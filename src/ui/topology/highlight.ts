/**
 * What the topology highlights while a timeline mark's evidence is open: the node that
 * served the anomalous read, the node that acknowledged the write it missed, and the
 * missed orders (their dots on the replication links). A small store of its own: the
 * timeline sets it when evidence opens and clears it when it closes; the topology reads
 * it. The helpers that build and describe a highlight are pure.
 */
import { create } from 'zustand';
import { type Anomaly, formatLsn, type ReadVerdict } from '../../engine/index.ts';
import { formatIds } from '../../page/format.ts';

export interface Highlight {
  /** Every node to highlight: the serving node first, then the one that acknowledged the missed write. */
  nodes: string[];
  /** The missed orders: their in-flight dots and queued squares are highlighted. */
  orderIds: number[];
  /** The missed write's LSN (a write with no order is found by it). */
  lsn?: number;
  /** The node that served the read, and its replay position then. */
  served?: { node: string; op: number; replayLsn?: number };
  /** The node that acknowledged the missed write. */
  ackedBy?: string;
}

interface HighlightState {
  highlight: Highlight | null;
  set(h: Highlight): void;
  clear(): void;
}

export const useHighlight = create<HighlightState>()((set) => ({
  highlight: null,
  set: (highlight) => set({ highlight }),
  clear: () => set({ highlight: null }),
}));

/**
 * The highlight for a mark's evidence: the read's serving node, and for a missed write
 * (stale, read-your-writes) the node that acknowledged it (`ackedBy`, from the history's
 * write.ok) and its orders. A monotonic mark highlights the earlier read's node and the
 * orders that vanished.
 */
export function highlightFor(anomaly: Anomaly, v: ReadVerdict, ackedBy?: string): Highlight {
  const served = { node: v.node, op: v.op, replayLsn: v.replayLsn };
  if (anomaly === 'monotonic') {
    const nodes = v.vanished && v.vanished.node !== v.node ? [v.node, v.vanished.node] : [v.node];
    return { nodes, orderIds: v.vanished?.orderIds ?? [], served };
  }
  const missed = anomaly === 'read-your-writes' ? v.missedOwn : v.missedWrite ? [v.missedWrite] : [];
  const nodes = ackedBy && ackedBy !== v.node ? [v.node, ackedBy] : [v.node];
  return {
    nodes,
    orderIds: missed.map((w) => w.orderId).filter((id) => id >= 0),
    lsn: missed.at(-1)?.lsn,
    served,
    ...(ackedBy ? { ackedBy } : {}),
  };
}

/** Whether a shipment (its orders and LSN) is part of the highlight. */
export function isHighlighted(h: Highlight | null, s: { orderIds: readonly number[]; lsn?: number }): boolean {
  if (!h) return false;
  if (s.orderIds.some((id) => h.orderIds.includes(id))) return true;
  return s.orderIds.length === 0 && h.lsn !== undefined && s.lsn === h.lsn;
}

/** "missed order #42" / "missed orders #41, #42" / "missed a write": the label drawn at the serving node. */
export function missedLabel(h: Highlight): string {
  if (h.orderIds.length === 0) return h.lsn === undefined ? 'served this read' : 'missed a write';
  return `missed ${h.orderIds.length === 1 ? 'order' : 'orders'} ${formatIds(h.orderIds)}`;
}

/** The role a node plays in the highlight, for its label and data attribute. */
export function highlightRole(h: Highlight | null, node: string): 'served' | 'acked' | 'related' | undefined {
  if (!h?.nodes.includes(node)) return undefined;
  if (h.served?.node === node) return 'served';
  if (h.ackedBy === node) return 'acked';
  return 'related';
}

/** The label drawn at a highlighted node. */
export function nodeLabel(h: Highlight, node: string): string {
  const role = highlightRole(h, node);
  if (role === 'served') return missedLabel(h);
  if (role === 'acked') {
    return h.orderIds.length === 0 ? 'acknowledged the missed write' : `acknowledged ${formatIds(h.orderIds)}`;
  }
  return h.orderIds.length === 0 ? 'earlier read' : `earlier read saw ${formatIds(h.orderIds)}`;
}

/** One sentence for screen readers: what is highlighted and why. */
export function describeHighlight(h: Highlight): string {
  const parts: string[] = [];
  if (h.served) {
    const at = h.served.replayLsn === undefined ? '' : `, replayed to ${formatLsn(h.served.replayLsn)}`;
    parts.push(`${h.served.node} served read ${h.served.op}${at}, and ${missedLabel(h)}`);
  }
  if (h.ackedBy) {
    const lsn = h.lsn === undefined ? '' : ` at LSN ${formatLsn(h.lsn)}`;
    parts.push(`${h.ackedBy} acknowledged it${lsn}`);
  }
  for (const n of h.nodes) if (n !== h.served?.node && n !== h.ackedBy) parts.push(`${n} served the earlier read`);
  return `Highlighted for the open evidence: ${parts.join('; ')}.`;
}
