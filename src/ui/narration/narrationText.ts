/**
 * The narration line's words, pure: one plain-English sentence that says what just
 * happened and WHY, from the engine's own data. After a write: which node acknowledged
 * which order at which LSN, and when each replica gets it. After a read: which node served
 * it at which replay position, and either which acknowledged order it missed and why (still
 * on the link, received but not replayed, link down) or why it is fresh (the read-your-
 * writes strategy sent it to the primary, lsn-wait waited). Reads the history (every event
 * has its engine time), the snapshot's replication rows and the shipments on the links;
 * knows nothing of React, the DOM or the store. The history may be the whole of it or the
 * snapshot's window of its newest events: positions are sequence numbers, not indexes.
 */
import {
  type EventOf,
  formatLsn,
  type ReadVerdict,
  type Recorded,
  type ReplicationStatus,
  type Shipment,
} from '../../engine/index.ts';
import { formatIds, formatMs } from '../../page/format.ts';
import { ANOMALY_LABEL, evidenceOf } from './evidence.ts';

/** What the narration needs of a replica's pg_stat_replication row. */
export type LinkRow = Pick<ReplicationStatus, 'name' | 'state' | 'lagMs' | 'applyDelayMs' | 'applyRatePerSec'>;

/** Where one transaction stood on one replica at a moment, told by the history. */
export type Delivery =
  | { stage: 'applied'; at: number }
  /** Received, waiting to be replayed; `appliedAt` when the history already knows it. */
  | { stage: 'queued'; receivedAt: number; sentAt?: number; appliedAt?: number }
  /** On the link; `arriveAt` exact (history or shipment) or estimated from the link's lag. */
  | { stage: 'in-flight'; sentAt: number; arriveAt?: number }
  | { stage: 'dropped'; at: number; reason: string }
  | { stage: 'not-sent' };

/** Engine time as seconds with two decimals: `12.30 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A duration ahead, roughly: `~2.0 s`. */
export function about(ms: number): string {
  return `~${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** Where the event numbered `seq` is in `history`, a run of consecutive events (all of them, or a window). */
function indexOf(history: readonly Recorded[], seq: number): number {
  return seq - (history[0]?.seq ?? 0);
}

/**
 * The latest event of `type` for operation `op`, searched back from the event numbered
 * `beforeSeq` (recent ops are near the end).
 */
export function findOp<T extends 'write.invoke' | 'write.ok' | 'write.fail' | 'read.invoke' | 'read.ok' | 'read.fail'>(
  history: readonly Recorded[],
  type: T,
  op: number,
  beforeSeq?: number,
): EventOf<T> | undefined {
  const end = beforeSeq === undefined ? history.length : Math.min(indexOf(history, beforeSeq), history.length);
  for (let i = end - 1; i >= 0; i--) {
    const e = history[i];
    if (e.type === type && (e as { op?: number }).op === op) return e as EventOf<T>;
  }
  return undefined;
}

/**
 * Where transaction `entry` stood on `node` at `atMs`: scans the history from `fromSeq`
 * (the write's own events; nothing about it comes earlier). Later events still tell when
 * it arrived or was replayed; an in-flight shipment tells when it will arrive.
 */
export function deliveryOf(
  history: readonly Recorded[],
  fromSeq: number,
  node: string,
  entry: number,
  atMs: number,
  link?: LinkRow,
  shipments: readonly Shipment[] = [],
): Delivery {
  let sentAt: number | undefined;
  let receivedAt: number | undefined;
  let appliedAt: number | undefined;
  let dropped: { at: number; reason: string } | undefined;
  for (let i = Math.max(0, indexOf(history, fromSeq)); i < history.length; i++) {
    const e = history[i];
    if (e.type === 'repl.dropped') {
      if (e.node === node && e.entries.includes(entry) && e.at <= atMs) dropped = { at: e.at, reason: e.reason };
      continue;
    }
    if ((e.type !== 'repl.sent' && e.type !== 'repl.received' && e.type !== 'repl.applied') || e.node !== node)
      continue;
    if (e.entry !== entry) continue;
    // A dropped entry is sent again on reconnect: only the latest attempt counts.
    if (e.type === 'repl.sent' && (sentAt === undefined || e.at <= atMs)) sentAt = e.at;
    else if (e.type === 'repl.received') receivedAt ??= e.at;
    else if (e.type === 'repl.applied') appliedAt ??= e.at;
  }
  if (appliedAt !== undefined && appliedAt <= atMs) return { stage: 'applied', at: appliedAt };
  if (receivedAt !== undefined && receivedAt <= atMs) return { stage: 'queued', receivedAt, sentAt, appliedAt };
  if (sentAt !== undefined && sentAt <= atMs && (!dropped || dropped.at < sentAt)) {
    const shipped = shipments.find((s) => s.replica === node && s.entry === entry && s.stage === 'in-flight');
    const arriveAt = receivedAt ?? shipped?.arriveAt ?? (link ? sentAt + link.lagMs : undefined);
    return { stage: 'in-flight', sentAt, arriveAt };
  }
  if (dropped) return { stage: 'dropped', ...dropped };
  return { stage: 'not-sent' };
}

/** How a replica stands with one write right after it was acknowledged: "replica-1 receives it in ~2.0 s". */
function replicaClause(name: string, d: Delivery, link: LinkRow | undefined, atMs: number): string {
  switch (d.stage) {
    case 'applied':
      return `${name} has already replayed it`;
    case 'queued': {
      const at = replayAt(d, link);
      return at !== undefined
        ? `${name} has received it and replays it in ${about(at - atMs)}`
        : `${name} has received it, ${waitingWhy(link)}`;
    }
    case 'in-flight':
      return d.arriveAt === undefined
        ? `${name} has it on the link`
        : `${name} receives it in ${about(d.arriveAt - atMs)}`;
    case 'dropped':
      return `${name} lost it on the link (${d.reason}) and gets it again on reconnect`;
    case 'not-sent':
      if (link?.state === 'disconnected') return `${name} is disconnected`;
      if (link?.state === 'down') return `${name} is down`;
      return `${name} has not been sent it yet`;
  }
}

/** Why a received transaction is not replayed yet, from the link's settings. */
function waitingWhy(link: LinkRow | undefined): string {
  if (link && link.applyDelayMs > 0) return `held back by its ${formatMs(link.applyDelayMs)} apply delay`;
  if (link && link.applyRatePerSec < 100) return `queued behind others (it replays only ${link.applyRatePerSec}/s)`;
  return 'waiting to be replayed';
}

function orderWords(orderIds: readonly number[]): string {
  if (orderIds.length === 0) return 'A write';
  return `${orderIds.length === 1 ? 'Order' : 'Orders'} ${formatIds(orderIds)}`;
}

/**
 * "Order #42 acknowledged by primary at LSN 0/1A2B3C (12.30 s). replica-1 receives it in
 * ~2.0 s, replica-2 in ~0.2 s; replica-3 is disconnected."
 */
export function describeWrite(
  history: readonly Recorded[],
  op: number,
  rows: readonly LinkRow[],
  shipments: readonly Shipment[] = [],
): string | undefined {
  const ack = findOp(history, 'write.ok', op);
  if (!ack) {
    const fail = findOp(history, 'write.fail', op);
    return fail ? `The write (op ${op}) failed on ${fail.node} at ${seconds(fail.at)}: ${fail.error}.` : undefined;
  }
  const head = `${orderWords(ack.orderIds)} acknowledged by ${ack.node} at LSN ${formatLsn(ack.lsn)} (${seconds(ack.at)}).`;
  const invokeSeq = findOp(history, 'write.invoke', op, ack.seq)?.seq ?? ack.seq;
  const arriving: string[] = [];
  const others: string[] = [];
  for (const row of rows.filter((r) => r.name !== ack.node)) {
    const d = deliveryOf(history, invokeSeq, row.name, ack.entry, ack.at, row, shipments);
    if (d.stage === 'in-flight' && d.arriveAt !== undefined) {
      arriving.push(
        arriving.length === 0
          ? replicaClause(row.name, d, row, ack.at)
          : `${row.name} in ${about(d.arriveAt - ack.at)}`,
      );
    } else others.push(replicaClause(row.name, d, row, ack.at));
  }
  const clauses = [arriving.join(', '), ...others].filter((c) => c.length > 0);
  return clauses.length === 0 ? head : `${head} ${clauses.join('; ')}.`;
}

/** What a read's sentence needs beyond its verdict. */
export interface ReadContext {
  history: readonly Recorded[];
  rows: readonly LinkRow[];
  /** The node primary now (it has every acknowledged write). */
  primary: string;
  shipments?: readonly Shipment[];
  /** The read-your-writes strategy routing used, named when it sent the read to the primary. */
  strategy?: string;
}

/** When a received transaction is (or will be) replayed: known from the history, or its apply delay's end. */
function replayAt(d: Extract<Delivery, { stage: 'queued' }>, link: LinkRow | undefined): number | undefined {
  if (d.appliedAt !== undefined) return d.appliedAt;
  if (link && link.applyDelayMs > 0 && d.sentAt !== undefined)
    return Math.max(d.receivedAt, d.sentAt + link.applyDelayMs);
  return undefined;
}

/** Why the serving node had not replayed a write when it ran the query at `atMs`. */
function missWhy(d: Delivery, link: LinkRow | undefined, from: string, atMs: number): string {
  switch (d.stage) {
    case 'in-flight':
      return d.arriveAt === undefined
        ? 'has not received it yet: it is still on the link'
        : `has not received it yet: it is still on the link and arrives in ${about(d.arriveAt - atMs)}`;
    case 'queued': {
      const at = replayAt(d, link);
      const later = at === undefined ? '' : `, replays it in ${about(at - atMs)}`;
      return `received it at ${seconds(d.receivedAt)} but has not replayed it yet (${waitingWhy(link)}${later})`;
    }
    case 'dropped':
      return `never got it: the link dropped it (${d.reason})`;
    case 'not-sent':
      if (link?.state === 'disconnected') return `is disconnected from ${from}, so it has not received it`;
      if (!link) return `does not follow ${from}, so it never received it`;
      return 'has not been sent it yet';
    case 'applied':
      return 'had not replayed it';
  }
}

/**
 * "Read 17 by user-1001 missed order #42 (read-your-writes violation, stale): it was
 * acknowledged by primary at LSN 0/1A2B3C (12.30 s), but replica-1 served the read at
 * replay LSN 0/1A2A00 and had not received it yet: it was still on the link and arrives in
 * ~2.0 s, so this read misses it."
 */
function describeMiss(v: ReadVerdict, ctx: ReadContext, queryAt: number, beforeSeq: number | undefined): string {
  const missed = v.missedOwn.at(-1) ?? v.missedWrite;
  if (!missed) return '';
  const { history } = ctx;
  const write = findOp(history, 'write.ok', missed.op, beforeSeq);
  const what = missed.orderId < 0 ? 'a write' : `order #${missed.orderId}`;
  const labels = v.anomalies.map((a) => ANOMALY_LABEL[a].toLowerCase()).join(', ');
  const more = v.missedOwn.length > 1 ? ` (and ${v.missedOwn.length - 1} more of user ${v.user}'s orders)` : '';
  const link = ctx.rows.find((r) => r.name === v.node);
  let why = 'had not replayed it';
  if (write) {
    const from = findOp(history, 'write.invoke', missed.op, write.seq)?.seq ?? write.seq;
    why = missWhy(
      deliveryOf(history, from, v.node, write.entry, queryAt, link, ctx.shipments),
      link,
      write.node,
      queryAt,
    );
  }
  const replay = v.replayLsn === undefined ? '' : ` at replay LSN ${formatLsn(v.replayLsn)}`;
  return (
    `Read ${v.op} by ${v.client} missed ${what}${more} (${labels}): it was acknowledged` +
    `${write ? ` by ${write.node}` : ''} at LSN ${formatLsn(missed.lsn)} (${seconds(missed.ackAt)}), ` +
    `but ${v.node} served the read${replay} and ${why}, so this read misses it.`
  );
}

/** Why a read with nothing missed is fresh: the route (read-your-writes strategy, lsn-wait) or a caught-up replica. */
function describeFresh(
  v: ReadVerdict,
  ctx: ReadContext,
  invoke: EventOf<'read.invoke'> | undefined,
  waitedMs: number,
): string {
  const at =
    v.replayLsn === undefined ? '' : ` at ${v.node === ctx.primary ? 'LSN' : 'replay LSN'} ${formatLsn(v.replayLsn)}`;
  const head = `Read ${v.op} by ${v.client} is fresh: ${v.node} served it${at}`;
  const reason = invoke?.reason ?? 'sent straight to this node';
  if (invoke && invoke.node !== v.node && waitedMs > 0) {
    return `${head}, because ${invoke.node} had not replayed this session's last write after waiting ${formatMs(waitedMs)} (lsn-wait), so the read fell back to ${v.node}, which has every acknowledged write.`;
  }
  if (waitedMs > 0) {
    return `${head} after waiting ${formatMs(waitedMs)} for it to replay this session's last write (lsn-wait).`;
  }
  if (v.node === ctx.primary) {
    const strategy = ctx.strategy && ctx.strategy !== 'none' ? ` (read-your-writes strategy ${ctx.strategy})` : '';
    return `${head}, which has every acknowledged write: routing sent it there because ${reason}${strategy}.`;
  }
  return `${head} (${reason}) and had replayed every write acknowledged before the read began.`;
}

/** The sentence for a read the consistency checker has judged: what it missed and why, or why it is fresh. */
export function describeRead(v: ReadVerdict, ctx: ReadContext): string {
  if (!v.ok)
    return `Read ${v.op} by ${v.client} failed on ${v.node} at ${seconds(v.doneAt)}: ${v.error ?? 'unknown error'}.`;
  const invoke = findOp(ctx.history, 'read.invoke', v.op);
  const done = findOp(ctx.history, 'read.ok', v.op);
  const waitedMs = done?.waitedMs ?? 0;
  if (v.missedWrite || v.missedOwn.length > 0) {
    // The node ran the query after any lsn-wait, a read's time before its result.
    return describeMiss(v, ctx, v.at + waitedMs, invoke?.seq);
  }
  if (v.anomalies.includes('monotonic')) {
    const said = evidenceOf(v).find((e) => e.anomaly === 'monotonic')?.text ?? '';
    const replay = v.replayLsn === undefined ? '' : ` (replayed to ${formatLsn(v.replayLsn)})`;
    return `Read ${v.op} by ${v.client} on ${v.node}${replay} went back in time: ${said}.`;
  }
  return describeFresh(v, ctx, invoke, waitedMs);
}
