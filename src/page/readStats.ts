/**
 * The consistency checker's verdicts, summarised for the page: totals of each anomaly,
 * the share of reads the primary served, read latency percentiles and the latest reads
 * with why routing sent each one where it did. The verdicts come from the engine's
 * classifyReads; this file only feeds it and counts. It runs in a worker
 * (readStats.worker.ts, started by readChecker.ts): no React, no DOM.
 */
import {
  ANOMALIES,
  type Anomaly,
  CHECKED_EVENT_TYPES,
  classifyReads,
  type ReadVerdict,
  type Recorded,
} from '../engine/index.ts';

export const RECENT_READS = 20;

/** Anomalous reads are kept for the timeline over this much engine time (its window, and margin). */
export const MARKED_WINDOW_MS = 20_000;
/** At most this many of them (the newest), so a long overloaded run stays cheap to send and draw. */
export const MARKED_MAX = 1000;

/** What routing decided for one read (from its read.invoke and read.ok events). */
export interface ReadRoute {
  /** The node routing chose; a waiting read may still fall back to the primary. */
  routedTo: string;
  reason?: string;
  waitedMs?: number;
}

export interface ReadRow {
  verdict: ReadVerdict;
  route?: ReadRoute;
}

/** Plain data (it crosses from the worker to the page). */
export interface ReadStats {
  /** Completed reads (ok or failed). */
  reads: number;
  failed: number;
  anomalies: Record<Anomaly, number>;
  /** Reads with at least one anomaly. */
  anomalous: number;
  /** Successful reads, and how many of them the primary served. */
  okReads: number;
  servedByPrimary: number;
  p50Ms?: number;
  p99Ms?: number;
  /** The latest reads, newest first. */
  recent: ReadRow[];
  /** The latest reads with an anomaly, newest first. */
  recentAnomalous: ReadRow[];
  /** Every read with an anomaly that began in the last MARKED_WINDOW_MS (at most MARKED_MAX), newest first: the timeline's marks. */
  markedAnomalous: ReadRow[];
  /** The reads the page asked about (its own), once classified. */
  watched: ReadRow[];
}

/** The events classifyReads looks at (client operations, promotions); everything else is skipped. */
const CHECKED = CHECKED_EVENT_TYPES;

/** Follows the (append-only) history and returns the new events the checker needs. */
export class CheckedEvents {
  /** The seq of the next event to look at (a bounded history's array does not start at seq 0). */
  private scanned = 0;

  take(history: readonly Recorded[]): Recorded[] {
    const out: Recorded[] = [];
    for (let i = Math.max(0, this.scanned - (history[0]?.seq ?? 0)); i < history.length; i++)
      if (CHECKED.has(history[i].type)) out.push(history[i]);
    this.scanned = (history.at(-1)?.seq ?? this.scanned - 1) + 1;
    return out;
  }
}

/** Keeps the checked events and summarises classifyReads over all of them. */
export class ReadStatsTracker {
  private readonly checked: Recorded[] = [];
  private readonly routes = new Map<number, ReadRoute>();

  add(events: readonly Recorded[]): void {
    for (const e of events) {
      this.checked.push(e);
      if (e.type === 'read.invoke') this.routes.set(e.op, { routedTo: e.node, reason: e.reason });
      else if (e.type === 'read.ok' && e.waitedMs) {
        const route = this.routes.get(e.op);
        if (route) route.waitedMs = e.waitedMs;
      }
    }
  }

  summarize(primary: string, watch: readonly number[]): ReadStats {
    const verdicts = classifyReads(this.checked);
    const anomalies = Object.fromEntries(ANOMALIES.map((a) => [a, 0])) as Record<Anomaly, number>;
    let failed = 0;
    let anomalous = 0;
    let servedByPrimary = 0;
    const latencies: number[] = [];
    const watching = new Set(watch);
    const watched: ReadRow[] = [];
    const row = (verdict: ReadVerdict): ReadRow => ({ verdict, route: this.routes.get(verdict.op) });
    for (const v of verdicts) {
      latencies.push(v.latencyMs);
      if (watching.has(v.op)) watched.push(row(v));
      if (!v.ok) {
        failed++;
        continue;
      }
      if (v.node === primary) servedByPrimary++;
      if (v.anomalies.length > 0) anomalous++;
      for (const a of v.anomalies) anomalies[a]++;
    }
    latencies.sort((a, b) => a - b);
    // Newest first: the table's latest few, and the timeline's whole recent window.
    const markedAnomalous: ReadRow[] = [];
    const recentAnomalous: ReadRow[] = [];
    const sinceMs = (verdicts.at(-1)?.at ?? 0) - MARKED_WINDOW_MS;
    for (let i = verdicts.length - 1; i >= 0; i--) {
      const v = verdicts[i];
      const marking = v.at >= sinceMs && markedAnomalous.length < MARKED_MAX;
      if (!marking && recentAnomalous.length >= RECENT_READS) break;
      if (v.anomalies.length === 0) continue;
      const r = row(v);
      if (marking) markedAnomalous.push(r);
      if (recentAnomalous.length < RECENT_READS) recentAnomalous.push(r);
    }
    return {
      reads: verdicts.length,
      failed,
      anomalies,
      anomalous,
      okReads: verdicts.length - failed,
      servedByPrimary,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      recent: verdicts.slice(-RECENT_READS).reverse().map(row),
      recentAnomalous,
      markedAnomalous,
      watched,
    };
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** The checker's verdict on read `op` (one the page watched, or a recent one), once classified. */
export function findRead(stats: ReadStats | undefined, op: number | undefined): ReadRow | undefined {
  if (!stats || op === undefined) return undefined;
  return stats.watched.find((r) => r.verdict.op === op) ?? stats.recent.find((r) => r.verdict.op === op);
}
