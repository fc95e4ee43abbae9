/**
 * The UI's one store: the engine's latest snapshot and driver state (fed by their
 * `subscribe`), plus what the page itself remembers: boot progress, the chosen user, the
 * outcomes of the learner's commands and a short activity log. Components select slices
 * of it; only commands.ts and connectLab write to it. It never changes engine state.
 */
import { create } from 'zustand';
import type { DriverState } from '../engine/clockDriver.ts';
import type { ClusterSnapshot } from '../engine/cluster.ts';
import type { Lab } from './bootLab.ts';

export type Phase = 'booting' | 'running' | 'failed';

/** Outcomes go pending -> ok | error; pending lasts until engine time reaches the reply. */
export type OutcomeStatus = 'pending' | 'ok' | 'error';

export interface WriteView {
  status: OutcomeStatus;
  user: number;
  total: number;
  /** Where the write was sent: a node name, or undefined for the current primary. */
  target?: string;
  node?: string;
  orderId?: number;
  lsn?: number;
  error?: string;
}

export interface ReadView {
  status: OutcomeStatus;
  user: number;
  /** Where the read was sent: a node name, or undefined for round robin over the replicas. */
  target?: string;
  node?: string;
  orderIds: number[];
  /** Orders this page placed for the user (acknowledged before the read) that the read did not see. */
  missing: number[];
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
  /** Engine time when it was logged. */
  atMs: number;
  kind: 'info' | 'error';
  text: string;
}

export interface LabState {
  phase: Phase;
  bootError?: string;
  /** Wall ms from navigation start to a running cluster. */
  readyAtMs?: number;
  snapshot?: ClusterSnapshot;
  driver: DriverState;
  /** The user whose orders are placed and read (the seed's users are 1000-1019). */
  user: number;
  /** Order ids acknowledged to this page, per user, in order. */
  placed: Record<number, number[]>;
  lastWrite?: WriteView;
  lastRead?: ReadView;
  check?: CheckView;
  activity: ActivityEntry[];
}

export const ACTIVITY_KEPT = 12;
export const DEFAULT_USER = 1001;
export const USERS = Array.from({ length: 20 }, (_, i) => 1000 + i);

export const useLab = create<LabState>()(() => ({
  phase: 'booting',
  driver: { paused: true, speed: 1 },
  user: DEFAULT_USER,
  placed: {},
  activity: [],
}));

let connected: Lab | undefined;

/** The running lab, for commands; undefined while booting. */
export function currentLab(): Lab | undefined {
  return connected;
}

/**
 * Feeds the store from the engine. The cluster notifies after every clock event (many per
 * frame when busy), so snapshots are published at most once per animation frame.
 */
export function connectLab(lab: Lab): () => void {
  connected = lab;
  let frame = 0;
  const publish = () => {
    frame = 0;
    useLab.setState({ snapshot: lab.cluster.getSnapshot(), driver: lab.driver.getState() });
  };
  const publishSoon = () => {
    if (frame === 0) frame = requestAnimationFrame(publish);
  };
  const offCluster = lab.cluster.subscribe(publishSoon);
  const offDriver = lab.driver.subscribe(publish);
  useLab.setState({ phase: 'running', readyAtMs: lab.readyAtMs });
  publish();
  return () => {
    offCluster();
    offDriver();
    cancelAnimationFrame(frame);
    connected = undefined;
  };
}

export function bootFailed(message: string): void {
  useLab.setState({ phase: 'failed', bootError: message });
}

let nextActivityId = 1;

export function logActivity(kind: ActivityEntry['kind'], text: string): void {
  useLab.setState((s) => ({
    activity: [
      { id: nextActivityId++, atMs: connected?.cluster.clock.now() ?? 0, kind, text },
      ...s.activity.slice(0, ACTIVITY_KEPT - 1),
    ],
  }));
}
