/**
 * Facts about a lesson step's window, read from the history only: the reads (with the
 * consistency checker's verdicts), the writes and their latency, the promotions, the lost
 * orders and how far each replica had got. Measures and goals are small functions of
 * these, so a reveal always follows what the engine did, never a hard-coded answer.
 */
import { classifyReads, type EventOf, type ReadVerdict, type Recorded } from '../engine/index.ts';
import { percentile } from '../scenarios/summary.ts';
import type { EvaluationContext, LessonWindow, MeasureArgs } from './types.ts';

/**
 * Whether something that happened at `at` belongs to the window: from its start up to, not
 * including, its end, where the next step's actions begin (an empty window holds its instant).
 */
export const inWindow = (at: number, w: LessonWindow) =>
  at >= w.startMs && (at < w.endMs || (at === w.endMs && w.startMs === w.endMs));

/** The checker's verdicts are computed once per history (a history only grows; its length keys the cache). */
const verdictCache = new WeakMap<readonly Recorded[], { length: number; verdicts: ReadVerdict[] }>();

function verdictsOf(events: readonly Recorded[]): ReadVerdict[] {
  const cached = verdictCache.get(events);
  if (cached && cached.length === events.length) return cached.verdicts;
  const verdicts = classifyReads(events);
  verdictCache.set(events, { length: events.length, verdicts });
  return verdicts;
}

/** Reads that began in the window and completed (served or failed) by its end. */
export function readsIn(ctx: EvaluationContext, args: MeasureArgs = {}, loadByDefault = true): ReadVerdict[] {
  const load = args.includeLoad ?? loadByDefault;
  return verdictsOf(ctx.events).filter(
    (v) =>
      inWindow(v.at, ctx.window) &&
      v.doneAt <= ctx.window.endMs &&
      (load || v.client !== 'load') &&
      (args.user === undefined || v.user === args.user) &&
      (args.node === undefined || v.node === args.node),
  );
}

/** "This read": the first or last order read in the window (a scenario's, not the load's, by default). */
export function theRead(ctx: EvaluationContext, args: MeasureArgs = {}): ReadVerdict | undefined {
  const reads = readsIn(ctx, args, false).filter((v) => v.action === 'readOrders');
  return args.read === 'first' ? reads[0] : reads.at(-1);
}

export interface WriteFact {
  op: number;
  at: number;
  user: number;
  client: string;
  node: string;
  ackAt?: number;
  orderId?: number;
  error?: string;
}

/** Every write in the history, with its acknowledgement or failure. */
export function writesOf(events: readonly Recorded[]): WriteFact[] {
  const byOp = new Map<number, WriteFact>();
  for (const e of events) {
    if (e.type === 'write.invoke') byOp.set(e.op, { op: e.op, at: e.at, user: e.user, client: e.client, node: e.node });
    else if (e.type === 'write.ok')
      Object.assign(byOp.get(e.op) ?? {}, { ackAt: e.at, orderId: e.orderIds[0], node: e.node });
    else if (e.type === 'write.fail') Object.assign(byOp.get(e.op) ?? {}, { error: e.error });
  }
  return [...byOp.values()];
}

/** Writes sent in the window (the scenario's only unless includeLoad), by user and node if asked. */
export function writesIn(ctx: EvaluationContext, args: MeasureArgs = {}, loadByDefault = false): WriteFact[] {
  const load = args.includeLoad ?? loadByDefault;
  return writesOf(ctx.events).filter(
    (w) =>
      inWindow(w.at, ctx.window) &&
      (load || w.client !== 'load') &&
      (args.user === undefined || w.user === args.user) &&
      (args.node === undefined || w.node === args.node),
  );
}

/** Commit latency (invoke to acknowledgement) of the window's acknowledged writes, by `stat`. */
export function commitLatency(ctx: EvaluationContext, args: MeasureArgs = {}): { ms: number; acked: WriteFact[] } {
  const acked = writesIn(ctx, args).filter((w) => w.ackAt !== undefined && w.ackAt <= ctx.window.endMs);
  const latencies = acked.map((w) => (w.ackAt as number) - w.at);
  const stat = args.stat ?? 'p50';
  const ms =
    stat === 'last'
      ? (latencies.at(-1) ?? 0)
      : percentile(
          [...latencies].sort((a, b) => a - b),
          stat === 'max' ? 1 : 0.5,
        );
  return { ms: Math.round(ms * 10) / 10, acked };
}

export const ofType = <T extends Recorded['type']>(ctx: EvaluationContext, type: T) =>
  ctx.events.filter((e): e is EventOf<T> => e.type === type && inWindow(e.at, ctx.window));

/** The promotions in the window. */
export const promotions = (ctx: EvaluationContext) =>
  ofType(ctx, 'failover.phase').filter((e) => e.phase === 'promote');

/** Acknowledged orders failovers in the window threw away. */
export const lostOrders = (ctx: EvaluationContext) => ofType(ctx, 'failover.lost').flatMap((e) => e.orderIds);

/**
 * Writes in the window acknowledged by a node that was no longer the primary (a replica had
 * been promoted since): split brain, from the history alone, however many times it happens.
 */
export function splitBrainWrites(
  ctx: EvaluationContext,
): { node: string; leader: string; at: number; orderId?: number }[] {
  let leader = 'primary';
  const found: { node: string; leader: string; at: number; orderId?: number }[] = [];
  for (const e of ctx.events) {
    if (e.at >= ctx.window.endMs && ctx.window.endMs > ctx.window.startMs) break;
    if (e.type === 'failover.phase' && e.phase === 'promote' && e.node) leader = e.node;
    else if (e.type === 'write.ok' && e.node !== leader && inWindow(e.at, ctx.window))
      found.push({ node: e.node, leader, at: e.at, orderId: e.orderIds[0] });
  }
  return found;
}

/** Each node's newest log entry received, on `timeline`, before history position `seq`. */
export function receivedBefore(events: readonly Recorded[], seq: number, timeline: number): Map<string, number> {
  const received = new Map<string, number>();
  for (const e of events) {
    if (e.seq >= seq) break;
    if (e.type === 'repl.received' && e.timeline === timeline)
      received.set(e.node, Math.max(received.get(e.node) ?? 0, e.entry));
  }
  return received;
}

/** Nodes down (killed, not yet back) just before history position `seq`. */
export function downBefore(events: readonly Recorded[], seq: number): Set<string> {
  const down = new Set<string>();
  for (const e of events) {
    if (e.seq >= seq) break;
    if (e.type === 'node.down') down.add(e.node);
    else if (e.type === 'node.up') down.delete(e.node);
  }
  return down;
}

/** The log entries a replica has not replayed at the window's end, on the newest timeline written. */
export function behindAtEnd(ctx: EvaluationContext, node: string): { behind: number; head: number; applied: number } {
  let timeline = 0;
  let head = 0;
  let applied = 0;
  for (const e of ctx.events) {
    if (e.at >= ctx.window.endMs && ctx.window.endMs > ctx.window.startMs) break;
    if (e.type === 'write.ok') {
      if (e.timeline > timeline) [timeline, head, applied] = [e.timeline, 0, 0];
      if (e.timeline === timeline) head = Math.max(head, e.entry);
    } else if (e.type === 'repl.applied' && e.node === node && e.timeline === timeline) {
      applied = Math.max(applied, e.entry);
    }
  }
  return { behind: Math.max(0, head - applied), head, applied };
}

/** The user's newest order acknowledged before `at`, or the order the lesson names. */
export function orderFor(ctx: EvaluationContext, user: number, at: number, order: MeasureArgs['order']) {
  if (typeof order === 'number') return writesOf(ctx.events).find((w) => w.orderId === order) ?? { orderId: order };
  return writesOf(ctx.events)
    .filter((w) => w.user === user && w.ackAt !== undefined && w.ackAt <= at)
    .at(-1);
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
