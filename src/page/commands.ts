/**
 * What the page's controls do: each command calls the running cluster or clock driver and
 * records its outcome in the store, so components only send commands and render slices.
 * Engine commands resolve in engine time; while paused, the command itself still runs
 * (flush), and its reply waits until the clock moves. Nothing here throws: every failure
 * is shown on the page.
 */
import {
  type DataKind,
  describeMode,
  type EventOf,
  type FailoverTimings,
  type HealthCheckSettings,
  type LoadOptions,
  type PromotionPolicy,
  type ReadPolicy,
  type ReplicationMode,
  type RywStrategy,
  type SessionStore,
  type WalRecord,
} from '../engine/index.ts';
import { POLICY_TEXT, SEED_TIMELINE } from '../ui/replication/replicationText.ts';
import type { Lab } from './bootLab.ts';
import { describeError, formatCount, formatIds, formatMs, outcomeError } from './format.ts';
import { clockBusy, rewindTo } from './session.ts';
import { type CheckView, currentLab, logActivity, type NodeOrders, type Route, useLab } from './store.ts';

/** A command's reply, or why there is none (it threw: a bug, or a node that stopped answering). */
type Sent<T> = { ok: true; reply: T } | { ok: false; error: string };

/** Sends one engine command; a failure is logged and returned, never thrown. */
async function send<T>(label: string, command: (lab: Lab) => Promise<T>): Promise<Sent<T>> {
  const lab = currentLab();
  if (!lab) return { ok: false, error: 'the cluster is not running' };
  try {
    const reply = command(lab);
    // A command is a clock event at the current time; a paused clock would not run it.
    if (lab.driver.getState().paused) await lab.driver.flush();
    return { ok: true, reply: await reply };
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

/** The latest history event of `type` for operation `op` (it is recent: search from the end). */
function eventOf<T extends 'write.invoke' | 'read.invoke' | 'read.ok'>(
  lab: Lab,
  type: T,
  op: number,
): EventOf<T> | undefined {
  const events = lab.cluster.history.all();
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === type && e.op === op) return e as EventOf<T>;
  }
  return undefined;
}

/** " through app-2" when an app server handled it. */
function through(via: string | undefined): string {
  return via ? ` through ${via}` : '';
}

/** Places an order for the chosen user through the load balancer, an app server or straight to a node. */
export async function placeOrder(total: number, route: Route = {}): Promise<void> {
  const { user } = useLab.getState();
  if (!Number.isFinite(total) || total <= 0) {
    logActivity('error', `Place order: the total must be a positive amount, got "${total}"`);
    return;
  }
  useLab.setState({ lastWrite: { status: 'pending', user, total, route } });
  const sent = await send('Place order', (lab) => lab.cluster.placeOrder({ user, total, ...route }));
  if (!sent.ok) {
    useLab.setState({ lastWrite: { status: 'error', user, total, route, error: sent.error } });
    return;
  }
  const out = sent.reply;
  const lab = currentLab();
  const via = lab ? eventOf(lab, 'write.invoke', out.op)?.via : undefined;
  const base = { user, total, route, op: out.op, via, node: out.node };
  if (out.ok && out.orderId !== undefined) {
    const orderId = out.orderId;
    useLab.setState((s) => ({
      lastWrite: { ...base, status: 'ok', orderId, lsn: out.lsn, message: out.message },
      placed: { ...s.placed, [user]: [...(s.placed[user] ?? []), orderId] },
    }));
    logActivity('info', `${out.node} committed order #${orderId} for user ${user}${through(via)}`);
  } else {
    const error = outcomeError(out.error, out.code);
    useLab.setState({ lastWrite: { ...base, status: 'error', error } });
    logActivity('error', `Place order on ${out.node}${through(via)}: ${error}`);
  }
}

/** Reads the chosen user's orders through the load balancer, an app server or straight from a node. */
export async function readOrders(route: Route = {}): Promise<void> {
  const { user } = useLab.getState();
  useLab.setState({ lastRead: { status: 'pending', user, route, orderIds: [] } });
  const sent = await send('Read my orders', (lab) => lab.cluster.readOrders({ user, ...route }));
  if (!sent.ok) {
    useLab.setState({ lastRead: { status: 'error', user, route, orderIds: [], error: sent.error } });
    return;
  }
  const out = sent.reply;
  const lab = currentLab();
  const invoke = lab ? eventOf(lab, 'read.invoke', out.op) : undefined;
  const base = {
    user,
    route,
    op: out.op,
    via: invoke?.via,
    routedTo: invoke?.node,
    reason: invoke?.reason,
    waitedMs: lab ? eventOf(lab, 'read.ok', out.op)?.waitedMs : undefined,
    node: out.node,
  };
  if (out.ok) {
    useLab.setState({ lastRead: { ...base, status: 'ok', orderIds: out.orderIds, replayLsn: out.replayLsn } });
    logActivity(
      'info',
      `${out.node} served user ${user}'s orders${through(invoke?.via)}: ${formatIds(out.orderIds)}` +
        (invoke?.reason ? ` (${invoke.reason})` : ''),
    );
  } else {
    const error = outcomeError(out.error, out.code);
    useLab.setState({ lastRead: { ...base, status: 'error', orderIds: [], error } });
    logActivity('error', `Read my orders on ${out.node}${through(invoke?.via)}: ${error}`);
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
      const sent = await send(`Check ${name}`, (lab) => lab.cluster.readOrders({ user, node: name }));
      const out = sent.ok ? sent.reply : { ok: false, error: sent.error, code: undefined, orderIds: [] };
      if (out.ok) record(name, { status: 'ok', orderIds: out.orderIds, missing: missingFrom(out.orderIds, expected) });
      else record(name, { status: 'error', orderIds: [], missing: [], error: outcomeError(out.error, out.code) });
    }),
  );
}

/** The physical WAL records behind log entry `entry` (pg_walinspect on the node that wrote it). */
export async function inspectWal(entry: number): Promise<WalRecord[] | string> {
  const sent = await send(`WAL records of transaction ${entry}`, (lab) => lab.cluster.walRecords(entry));
  return sent.ok ? sent.reply : sent.error;
}

export async function setLag(node: string, lagMs: number): Promise<void> {
  await send(`Set lag of ${node}`, (lab) => lab.cluster.setLag(node, lagMs));
}

/** Runs a command that returns nothing, then logs `done` if it worked. */
async function sendAndLog(label: string, command: (lab: Lab) => Promise<void>, done: string): Promise<void> {
  if ((await send(label, command)).ok) logActivity('info', done);
}

export function setConnected(node: string, connect: boolean): Promise<void> {
  return connect
    ? sendAndLog(`Reconnect ${node}`, (lab) => lab.cluster.reconnect(node), `${node} reconnected to the primary`)
    : sendAndLog(`Disconnect ${node}`, (lab) => lab.cluster.disconnect(node), `${node} disconnected from the primary`);
}

export function killNode(node: string): Promise<void> {
  return sendAndLog(`Kill ${node}`, (lab) => lab.cluster.killNode(node), `${node} was killed`);
}

export function restartNode(node: string): Promise<void> {
  return sendAndLog(
    `Restart ${node}`,
    (lab) => lab.cluster.restartNode(node),
    `${node} is restarting (crash recovery before it serves again)`,
  );
}

/** A slow replica replays this many transactions per second: it falls behind under load. */
export const SLOW_APPLY_RATE_PER_SEC = 20;

/** How many transactions per second `node` replays (a busy replica falls behind). */
export function setApplyRate(node: string, perSec: number): Promise<void> {
  return sendAndLog(
    `Set apply rate of ${node}`,
    (lab) => lab.cluster.setApplyRate(node, perSec),
    `${node} now replays at most ${formatCount(perSec)} transactions/s`,
  );
}

// ---- replication and failover --------------------------------------------------------

/** `kind` undefined: orders and products alike. Resolves with the error, if the engine refused it. */
export async function setReplicationMode(mode: ReplicationMode, kind?: DataKind): Promise<string | undefined> {
  const sent = await send('Set replication mode', (lab) => lab.cluster.setMode(mode, kind));
  if (!sent.ok) return sent.error;
  logActivity('info', `Replication mode for ${kind ?? 'orders and products'}: ${describeMode(mode)}`);
  return undefined;
}

export function partitionNode(node: string): Promise<void> {
  return sendAndLog(
    `Partition ${node}`,
    (lab) => lab.cluster.partition(node),
    `${node} is partitioned: cut off from the other nodes and the failover manager (clients still reach it)`,
  );
}

export function healNode(node: string): Promise<void> {
  return sendAndLog(`Heal ${node}`, (lab) => lab.cluster.heal(node), `${node}'s partition healed`);
}

/** Resolves with whether the engine took it. */
export async function setFencing(on: boolean): Promise<boolean> {
  if (!(await send('Set fencing', (lab) => lab.cluster.setFencing(on))).ok) return false;
  logActivity(
    'info',
    on ? 'Fencing on: the old primary is powered off before a promotion' : 'Fencing off: an old primary may come back',
  );
  return true;
}

/** The failover manager's settings as the engine has them now. */
function failoverNow(): { health: HealthCheckSettings; timings: FailoverTimings } | undefined {
  const failover = currentLab()?.cluster.getSnapshot().failover;
  return failover && { health: failover.healthCheck, timings: failover.timings };
}

/** Resolves with whether the engine took it. */
export async function setAutoFailover(on: boolean): Promise<boolean> {
  if (!(await send('Set automatic failover', (lab) => lab.cluster.setAutoFailover(on))).ok) return false;
  logActivity('info', `Automatic failover ${on ? 'on' : 'off'}`);
  return true;
}

function describeHealth(h: HealthCheckSettings): string {
  return `a check every ${formatMs(h.intervalMs)}, ${formatMs(h.timeoutMs)} timeout, ${h.retries} misses declare the primary dead`;
}

function describeTimings(t: FailoverTimings): string {
  return `elect ${formatMs(t.electMs)}, promote ${formatMs(t.promoteMs)}, repoint ${formatMs(t.repointMs)}, endpoint ${formatMs(t.endpointMs)}`;
}

export async function setHealthCheck(health: Partial<HealthCheckSettings>): Promise<void> {
  if (!(await send('Set health check', (lab) => lab.cluster.setHealthCheck(health))).ok) return;
  const now = failoverNow();
  if (now) logActivity('info', `Health check: ${describeHealth(now.health)}`);
}

export async function setFailoverTimings(timings: Partial<FailoverTimings>): Promise<void> {
  if (!(await send('Set failover timings', (lab) => lab.cluster.setFailoverTimings(timings))).ok) return;
  const now = failoverNow();
  if (now) logActivity('info', `Failover phases: ${describeTimings(now.timings)}`);
}

/** The seed's timeline: detect at 5 s, elect until 10 s, promote until 15 s, DNS moved at 20 s. */
export async function applySeedTimeline(): Promise<void> {
  const { health, timings } = SEED_TIMELINE;
  const sent = await send('Seed timeline', async (lab) => {
    await Promise.all([lab.cluster.setHealthCheck(health), lab.cluster.setFailoverTimings(timings)]);
  });
  if (!sent.ok) return;
  logActivity('info', `The seed's 20 s timeline: ${describeHealth(health)}; ${describeTimings(timings)}`);
}

export function setPromotionPolicy(policy: PromotionPolicy): Promise<void> {
  return sendAndLog(
    'Set promotion policy',
    (lab) => lab.cluster.setPromotionPolicy(policy),
    `Promotion policy: ${POLICY_TEXT[policy].label}`,
  );
}

// ---- the app tier ------------------------------------------------------------------------

export function setReadPolicy(policy: ReadPolicy): Promise<void> {
  return sendAndLog('Set read policy', (lab) => lab.cluster.setReadPolicy(policy), `Read policy: ${policy}`);
}

/** `kind` undefined: orders and products alike. */
export function setRywStrategy(
  strategy: Partial<RywStrategy> & { name: RywStrategy['name'] },
  kind?: 'orders' | 'products',
): Promise<void> {
  const params = Object.entries(strategy)
    .filter(([key]) => key !== 'name')
    .map(([key, value]) => `${key} ${value}`);
  const what = `${strategy.name}${params.length > 0 ? ` (${params.join(', ')})` : ''}`;
  return sendAndLog(
    'Set read-your-writes strategy',
    (lab) => lab.cluster.setRywStrategy(strategy, kind),
    `Read-your-writes strategy for ${kind ?? 'orders and products'}: ${what}`,
  );
}

export function setSessionStore(store: SessionStore): Promise<void> {
  return sendAndLog('Set session store', (lab) => lab.cluster.setSessionStore(store), `Session store: ${store}`);
}

export function startLoad(options: Pick<LoadOptions, 'writesPerSec' | 'readsPerSec'>): Promise<void> {
  return sendAndLog(
    'Start load',
    (lab) => lab.cluster.startLoad(options),
    `Load generator started: ${options.writesPerSec} writes/s, ${options.readsPerSec} reads/s`,
  );
}

export function stopLoad(): Promise<void> {
  return sendAndLog('Stop load', (lab) => lab.cluster.stopLoad(), 'Load generator stopped');
}

// ---- the clock --------------------------------------------------------------------------

export function togglePlay(): void {
  if (clockBusy()) return;
  currentLab()?.driver.toggle();
}

/** How far "Step back" goes (Left arrow). */
export const STEP_BACK_MS = 1000;

/** Steps back a second of engine time (a replay of the run so far; see session.ts). */
export async function stepBack(): Promise<void> {
  const lab = currentLab();
  if (!lab || clockBusy()) return;
  await rewindTo(lab.cluster.clock.now() - STEP_BACK_MS);
}

/** Pauses and runs the next scheduled engine event. */
export async function step(): Promise<void> {
  const lab = currentLab();
  if (!lab || clockBusy()) return;
  try {
    if (!(await lab.driver.step())) logActivity('info', 'Step: nothing is scheduled');
  } catch (err) {
    logActivity('error', `Step: ${describeError(err)}`);
  }
}

export function setSpeed(speed: number): void {
  currentLab()?.driver.setSpeed(speed);
}

/** The next speed up (or down) the list, within 0.25x-8x. */
export function faster(): void {
  currentLab()?.driver.faster();
}

export function slower(): void {
  currentLab()?.driver.slower();
}

export function pause(): void {
  currentLab()?.driver.pause();
}

/**
 * An error nothing caught (e.g. a node that stopped answering while replaying): the
 * driver's loop has stopped, so pause to make the page say so, and show the error.
 */
export function engineFailed(err: unknown): void {
  currentLab()?.driver.pause();
  logActivity('error', `Engine error, clock paused: ${describeError(err)}`);
}
