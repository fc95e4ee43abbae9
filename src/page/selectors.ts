/**
 * The store's selectors for what components show of the engine beyond the snapshot's
 * state: the shipments on the links, the newest log entries, the recent history and the
 * checker's failover story and downtimes, all from the latest published snapshot (at most
 * one a frame). Stable empty values while no cluster runs, so a selector never makes a
 * component re-render for nothing.
 */
import {
  EMPTY_STORY,
  type FailoverDowntime,
  type FailoverStory,
  type HistoryWindow,
  type LogEntry,
  type Shipment,
} from '../engine/index.ts';
import type { LabState } from './store.ts';

const NO_SHIPMENTS: Shipment[] = [];
const NO_ENTRIES: LogEntry[] = [];
const NO_DOWNTIMES: FailoverDowntime[] = [];
const NO_HISTORY: HistoryWindow = { fromSeq: 0, events: [] };

/** Every transaction on a link, and the oldest waiting to be replayed on each replica (the topology's dots). */
export const selectShipments = (s: LabState): Shipment[] => s.snapshot?.shipments ?? NO_SHIPMENTS;

/** The newest log entries, oldest first, at the text panels' pace (tableSnapshot). */
export const selectRecentLog = (s: LabState): LogEntry[] => s.tableSnapshot?.recentLog ?? NO_ENTRIES;

/** The events of the last seconds of engine time (the snapshot's history window), at the panes' pace (paneSnapshot). */
export const selectPaneHistoryWindow = (s: LabState): HistoryWindow => s.paneSnapshot?.history ?? NO_HISTORY;

export const selectFailoverStory = (s: LabState): FailoverStory => s.snapshot?.failoverStory ?? EMPTY_STORY;

export const selectDowntimes = (s: LabState): FailoverDowntime[] => s.snapshot?.downtimes ?? NO_DOWNTIMES;

/** The latest failed health check: how many in a row. */
export const selectLastFailedCheck = (s: LabState) => selectFailoverStory(s).lastFailedCheck;
