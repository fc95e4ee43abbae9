/**
 * The UI's one store: the engine's latest snapshot and driver state (fed by their
 * `subscribe`), plus what the page itself remembers: boot progress, the chosen user, the
 * outcomes of the learner's commands and a short activity log. Everything components show
 * of the engine comes through the snapshot (state, shipments, log, a history window, the
 * checker's failover story and downtimes) and the selectors in selectors.ts; no component
 * holds the live engine. Only commands.ts and connectLab write to it. It never changes
 * engine state.
 */
import { create } from 'zustand';
import type { ClusterSnapshot, DriverState } from '../engine/index.ts';
import type { ScenarioSummary } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import type { Lab } from './bootLab.ts';
import { narrate, noticesSince } from './failoverFeed.ts';
import { startReadChecker } from './readChecker.ts';
import type { ReadStats } from './readStats.ts';

export type Phase = 'booting' | 'running' | 'failed';

/** A scenario played on the page's cluster (see scenarioPlayer.ts). */
export interface ScenarioRunView {
  scenario: Scenario;
  seed: number;
  /** The last step's engine time: the player stops the clock there and finishes the run. */
  endMs: number;
  status: 'playing' | 'finishing' | 'done' | 'failed';
  /** What the CLI prints with --json for the same file and seed (when status is done). */
  summary?: ScenarioSummary;
  /** Commands the learner sent during the run: the result is then theirs, not the file's. */
  ownCommands?: number;
  error?: string;
}

/** Outcomes go pending -> ok | error; pending lasts until engine time reaches the reply. */
export type OutcomeStatus = 'pending' | 'ok' | 'error';

/**
 * Where a command goes: `node` straight to that node, `via` through that app server,
 * neither through the load balancer (which picks an app server round robin).
 */
export interface Route {
  via?: string;
  node?: string;
}

export interface WriteView {
  status: OutcomeStatus;
  user: number;
  total: number;
  route: Route;
  op?: number;
  /** The app server that sent it (absent when sent straight to a node). */
  via?: string;
  node?: string;
  orderId?: number;
  lsn?: number;
  /** The optimistic strategy's message to the customer. */
  message?: string;
  error?: string;
}

export interface ReadView {
  status: OutcomeStatus;
  user: number;
  route: Route;
  /** The history op, to find the checker's verdict on this read. */
  op?: number;
  /** The app server that routed it (absent when sent straight to a node). */
  via?: string;
  /** Where routing sent it, and why, in plain words. */
  routedTo?: string;
  reason?: string;
  /** Time spent waiting for a replica to replay the session's last write (lsn-wait). */
  waitedMs?: number;
  /** The node that served it. */
  node?: string;
  orderIds: number[];
  replayLsn?: number;
  error?: string;
}

export interface NodeOrders {
  status: OutcomeStatus;
  orderIds: number[];
  missing: number[];
  error?: string;
}

export interface CheckView {
  id: number;
  user: number;
  byNode: Record<string, NodeOrders>;
}

export interface ActivityEntry {
  id: number;
  /** Engine time when it happened (the event's, or when it was logged). */
  at: number;
  kind: 'info' | 'error';
  text: string;
}

// The failover story is the engine checker's (checker/failoverStory.ts); these names stay for the panels.
export type {
  FailoverPhase as PhaseView,
  FailoverStory,
  LostOrder,
  Rewind as RewindView,
} from '../engine/index.ts';

export interface LabState {
  phase: Phase;
  bootError?: string;
  /** Counts the clusters the page has run (a reset or a step back starts a new one). */
  generation: number;
  /** Set while the page builds another cluster (reset, step back, a scenario): what it is doing. */
  switching?: string;
  /** The seed of the running cluster. */
  seed: number;
  scenarioRun?: ScenarioRunView;
  /** Wall ms from navigation start to a running cluster. */
  readyAtMs?: number;
  snapshot?: ClusterSnapshot;
  /**
   * The same snapshot, at most every PANE_REFRESH_MS while the clock plays (every time
   * when paused): for the diagrams' slow-changing parts (the topology's boxes and labels,
   * the timeline's bars), whose React work and layout would otherwise run every frame. Only
   * what moves with engine time every frame (the transactions on the links, the timeline's
   * scroll) follows `snapshot`.
   */
  paneSnapshot?: ClusterSnapshot;
  /**
   * The same snapshot, at most every TABLE_REFRESH_MS while the clock plays (every time
   * when paused): for the text-heavy panels (tables, logs, the failover strip), which no
   * one reads at 60 Hz and which cost the most to lay out and paint.
   */
  tableSnapshot?: ClusterSnapshot;
  driver: DriverState;
  /** The user whose orders are placed and read (the seed's users are 1000-1019). */
  user: number;
  /** Order ids acknowledged to this page, per user, in order. */
  placed: Record<number, number[]>;
  lastWrite?: WriteView;
  lastRead?: ReadView;
  check?: CheckView;
  /** The consistency checker's view of every read so far (recomputed as the history grows). */
  reads?: ReadStats;
  activity: ActivityEntry[];
}

export const ACTIVITY_KEPT = 20;
export const TABLE_REFRESH_MS = 250;
export const PANE_REFRESH_MS = 100;
export const DEFAULT_USER = 1001;
export const USERS = Array.from({ length: 20 }, (_, i) => 1000 + i);

export const useLab = create<LabState>()(() => ({
  phase: 'booting',
  generation: 0,
  seed: 1,
  driver: { paused: true, speed: 1 },
  user: DEFAULT_USER,
  placed: {},
  activity: [],
}));

let connected: Lab | undefined;
let disconnect: (() => void) | undefined;

/** The running lab, for commands; undefined while booting. */
export function currentLab(): Lab | undefined {
  return connected;
}

/**
 * What the page remembers about a cluster, worked out from its history: the orders
 * acknowledged to each user. A replayed cluster (a step back) is connected with its
 * history already written, so nothing can rely on seeing it live.
 */
function pageStateFrom(lab: Lab): Pick<LabState, 'placed'> {
  const placed: Record<number, number[]> = {};
  const pageWrites = new Map<number, number>();
  for (const e of lab.cluster.history.all()) {
    if (e.type === 'write.invoke' && e.client.startsWith('user-')) pageWrites.set(e.op, e.user);
    const user = e.type === 'write.ok' ? pageWrites.get(e.op) : undefined;
    if (e.type === 'write.ok' && user !== undefined) placed[user] = [...(placed[user] ?? []), ...e.orderIds];
  }
  return { placed };
}

/**
 * Feeds the store from the engine. The cluster notifies after every clock event (many per
 * frame when busy), so snapshots are published at most once per animation frame, and the
 * history's new events go to the read checker (a worker) at the same pace; the failover
 * notices new in a snapshot become activity lines (those already in the history of a
 * replayed cluster are not told again). Connecting another lab (reset, step back) first
 * disconnects the one before and starts the page's own memory afresh from the new
 * cluster's history.
 */
export function connectLab(lab: Lab): () => void {
  disconnect?.();
  connected = lab;
  let frame = 0;
  const checker = startReadChecker(
    (reads) => {
      if (connected === lab) useLab.setState({ reads });
    },
    (error) => logActivity('error', `The consistency checker stopped: ${error}`),
  );
  let tableAt = Number.NEGATIVE_INFINITY;
  let paneAt = Number.NEGATIVE_INFINITY;
  /** History position up to which the failover notices were told (undefined before the first snapshot). */
  let toldUpTo: number | undefined;
  const publish = () => {
    frame = 0;
    const snapshot = lab.cluster.getSnapshot();
    const driver = lab.driver.getState();
    const wallMs = performance.now();
    // Paused (or stepping): every panel shows this very moment at once.
    const tables = driver.paused || wallMs - tableAt >= TABLE_REFRESH_MS;
    if (tables) tableAt = wallMs;
    const panes = driver.paused || wallMs - paneAt >= PANE_REFRESH_MS;
    if (panes) paneAt = wallMs;
    useLab.setState({
      snapshot,
      ...(panes ? { paneSnapshot: snapshot } : {}),
      ...(tables ? { tableSnapshot: snapshot } : {}),
      driver,
    });
    if (toldUpTo !== undefined) {
      for (const n of noticesSince(snapshot.failoverStory.notices, toldUpTo)) {
        const line = narrate(n);
        logActivity(line.kind, line.text, n.at);
      }
    }
    toldUpTo = snapshot.historyLength;
    const primary = snapshot.nodes.find((n) => n.role === 'primary')?.name ?? 'primary';
    const op = useLab.getState().lastRead?.op;
    checker.feed(lab.cluster.history.all(), primary, op === undefined ? [] : [op]);
  };
  const publishSoon = () => {
    if (frame === 0) frame = requestAnimationFrame(publish);
  };
  const offCluster = lab.cluster.subscribe(publishSoon);
  const offDriver = lab.driver.subscribe(publish);
  // The page's own read needs its verdict even if the clock is paused right after it.
  const offWatch = useLab.subscribe((s, prev) => {
    if (s.lastRead?.op !== prev.lastRead?.op) publishSoon();
  });
  const { seed } = lab.cluster.settings;
  useLab.setState((s) => ({
    phase: 'running',
    readyAtMs: s.readyAtMs ?? lab.readyAtMs,
    generation: s.generation + 1,
    seed,
    ...pageStateFrom(lab),
    lastWrite: undefined,
    lastRead: undefined,
    check: undefined,
    reads: undefined,
  }));
  publish();
  disconnect = () => {
    offCluster();
    offDriver();
    offWatch();
    cancelAnimationFrame(frame);
    checker.stop();
    connected = undefined;
    disconnect = undefined;
  };
  return disconnect;
}

export function bootFailed(message: string): void {
  useLab.setState({ phase: 'failed', bootError: message });
}

let nextActivityId = 1;

/** Logs a line at `at` (engine time; now when not given). */
export function logActivity(kind: ActivityEntry['kind'], text: string, at?: number): void {
  useLab.setState((s) => ({
    activity: [
      { id: nextActivityId++, at: at ?? connected?.cluster.clock.now() ?? 0, kind, text },
      ...s.activity.slice(0, ACTIVITY_KEPT - 1),
    ],
  }));
}
