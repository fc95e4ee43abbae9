/**
 * What the page's controls send: commands as data (the engine's command language, the same
 * values a scenario step holds), through one door, `sendCommand`. Outcomes that panels
 * show (the last order, the last read, a check of every node) are recorded in the store;
 * everything else gets a line in the activity log. Engine commands resolve in engine
 * time; while paused, the command itself still runs (flush) and its reply waits until the
 * clock moves. Nothing here throws: every failure is shown on the page.
 */
import { type Command, type OutcomeOf, SEED_FAILOVER_TIMELINE, type WalRecord } from '../engine/index.ts';
import { commandLabel, describeHealth, describeTimings, doneText } from './commandText.ts';
import { describeError, formatIds, outcomeError } from './format.ts';
import { type CheckView, currentLab, logActivity, type NodeOrders, type Route, useLab } from './store.ts';

/** A command's outcome, or why there is none (refused as invalid, a bug, a node that stopped answering). */
export type Sent<T> = { ok: true; reply: T } | { ok: false; error: string };

/**
 * Sends one command to the running cluster; a failure is logged (as "`label`: why") and
 * returned, never thrown. `quiet` skips the success line (a panel shows the outcome).
 */
export async function sendCommand<C extends Command>(
  command: C,
  options: { label?: string; quiet?: boolean } = {},
): Promise<Sent<OutcomeOf<C['do']>>> {
  const lab = currentLab();
  const label = options.label ?? commandLabel(command);
  if (!lab) return { ok: false, error: 'the cluster is not running' };
  try {
    const reply = lab.cluster.send(command);
    // A command is a clock event at the current time; a paused clock would not run it.
    if (lab.driver.getState().paused) await lab.driver.flush();
    const sent = { ok: true as const, reply: await reply };
    const line = options.quiet ? undefined : doneText(command, lab.cluster.getSnapshot());
    if (line) logActivity('info', line);
    return sent;
  } catch (err) {
    const error = describeError(err);
    logActivity('error', `${label}: ${error}`);
    return { ok: false, error };
  }
}

function missingFrom(seen: readonly number[], expected: readonly number[]): number[] {
  const have = new Set(seen);
  return expected.filter((id) => !have.has(id));
}

export function setUser(user: number): void {
  useLab.setState({ user });
}

/** " through app-2" when an app server handled it. */
function through(via: string | undefined): string {
  return via ? ` through ${via}` : '';
}

/** Places an order for the chosen user through the load balancer, an app server or straight to a node. */
export async function placeOrder(total: number, route: Route = {}): Promise<void> {
  const { user } = useLab.getState();
  useLab.setState({ lastWrite: { status: 'pending', user, total, route } });
  const sent = await sendCommand({ do: 'placeOrder', user, total, ...route }, { label: 'Place order', quiet: true });
  if (!sent.ok) {
    useLab.setState({ lastWrite: { status: 'error', user, total, route, error: sent.error } });
    return;
  }
  const out = sent.reply;
  const base = { user, total, route, op: out.op, via: out.via, node: out.node };
  if (out.ok && out.orderId !== undefined) {
    const orderId = out.orderId;
    useLab.setState((s) => ({
      lastWrite: { ...base, status: 'ok', orderId, lsn: out.lsn, message: out.message },
      placed: { ...s.placed, [user]: [...(s.placed[user] ?? []), orderId] },
    }));
    logActivity('info', `${out.node} committed order #${orderId} for user ${user}${through(out.via)}`);
  } else {
    const error = outcomeError(out.error, out.code);
    useLab.setState({ lastWrite: { ...base, status: 'error', error } });
    logActivity('error', `Place order on ${out.node}${through(out.via)}: ${error}`);
  }
}

/** Reads the chosen user's orders through the load balancer, an app server or straight from a node. */
export async function readOrders(route: Route = {}): Promise<void> {
  const { user } = useLab.getState();
  useLab.setState({ lastRead: { status: 'pending', user, route, orderIds: [] } });
  const sent = await sendCommand({ do: 'readOrders', user, ...route }, { label: 'Read my orders', quiet: true });
  if (!sent.ok) {
    useLab.setState({ lastRead: { status: 'error', user, route, orderIds: [], error: sent.error } });
    return;
  }
  const out = sent.reply;
  const { op, via, routedTo, reason, waitedMs, node } = out;
  const base = { user, route, op, via, routedTo, reason, waitedMs, node };
  if (out.ok) {
    useLab.setState({ lastRead: { ...base, status: 'ok', orderIds: out.orderIds, replayLsn: out.replayLsn } });
    logActivity('info', `${node} served user ${user}'s orders${through(via)}: ${formatIds(out.orderIds)} (${reason})`);
  } else {
    const error = outcomeError(out.error, out.code);
    useLab.setState({ lastRead: { ...base, status: 'error', orderIds: [], error } });
    logActivity('error', `Read my orders on ${node}${through(via)}: ${error}`);
  }
}

let nextCheckId = 1;

/** Reads the chosen user's orders from every node at the same engine time. */
export async function checkEveryNode(): Promise<void> {
  const { user, placed, snapshot } = useLab.getState();
  if (!snapshot) return;
  const expected = placed[user] ?? [];
  const id = nextCheckId++;
  const pending: NodeOrders = { status: 'pending', orderIds: [], missing: [] };
  const check: CheckView = { id, user, byNode: Object.fromEntries(snapshot.nodes.map((n) => [n.name, pending])) };
  useLab.setState({ check });
  const record = (node: string, result: NodeOrders) =>
    useLab.setState((s) =>
      s.check?.id === id ? { check: { ...s.check, byNode: { ...s.check.byNode, [node]: result } } } : {},
    );
  await Promise.all(
    snapshot.nodes.map(async ({ name }) => {
      const sent = await sendCommand({ do: 'readOrders', user, node: name }, { label: `Check ${name}`, quiet: true });
      const out = sent.ok ? sent.reply : { ok: false, error: sent.error, code: undefined, orderIds: [] };
      if (out.ok) record(name, { status: 'ok', orderIds: out.orderIds, missing: missingFrom(out.orderIds, expected) });
      else record(name, { status: 'error', orderIds: [], missing: [], error: outcomeError(out.error, out.code) });
    }),
  );
}

/** The physical WAL records behind log entry `entry` (pg_walinspect on the node that wrote it). */
export async function inspectWal(entry: number): Promise<WalRecord[] | string> {
  const sent = await sendCommand({ do: 'inspectWal', entry }, { label: `WAL records of transaction ${entry}` });
  return sent.ok ? sent.reply : sent.error;
}

/** A slow replica replays this many transactions per second: it falls behind under load. */
export const SLOW_APPLY_RATE_PER_SEC = 20;

/** The seed's timeline: detect at 5 s, elect until 10 s, promote until 15 s, DNS moved at 20 s. */
export async function applySeedTimeline(): Promise<void> {
  const { health, timings } = SEED_FAILOVER_TIMELINE;
  const quiet = { quiet: true, label: 'Seed timeline' };
  const sent = await Promise.all([
    sendCommand({ do: 'setHealthCheck', ...health }, quiet),
    sendCommand({ do: 'setFailoverTimings', ...timings }, quiet),
  ]);
  if (sent.every((s) => s.ok)) {
    logActivity('info', `The seed's 20 s timeline: ${describeHealth(health)}; ${describeTimings(timings)}`);
  }
}
