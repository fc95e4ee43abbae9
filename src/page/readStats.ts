/**
 * The consistency checker's verdicts, summarised for the page: totals of each anomaly,
 * the share of reads the primary served, read latency percentiles and the latest reads
 * with why routing sent each one where it did. The verdicts come from the engine's
 * checker (its ReadClassifier, classifyReads one event at a time); this file only feeds it
 * and counts. It runs in a worker (readStats.worker.ts, started by readChecker.ts): no
 * React, no DOM.
 */
import { bisectRight } from 'd3';
import {
  ANOMALIES,
  type Anomaly,
  CHECKED_EVENT_TYPES,
  ReadClassifier,
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

/**
 * Follows the checked events as they come and keeps what a summary needs, so a summary
 * costs what is new plus the timeline's window, never a pass over the whole history: the
 * engine's ReadClassifier gives each verdict once (final when given: it depends only on
 * the events before the read completed), and the totals, the latency distribution and the
 * recent and anomalous rows are kept up to date from it. A summary equals summarizing
 * classifyReads over every event so far (readStats.test.ts checks it on a real history).
 */
export class ReadStatsTracker {
  private readonly classifier = new ReadClassifier();
  /** Routing's choice for each read not yet judged, and when it began. */
  private readonly open = new Map<number, { route: ReadRoute; at: number }>();
  private reads = 0;
  private failed = 0;
  private anomalous = 0;
  private readonly anomalies = Object.fromEntries(ANOMALIES.map((a) => [a, 0])) as Record<Anomaly, number>;
  /** Successful reads per serving node (the primary's share is asked with the current primary). */
  private readonly servedBy = new Map<string, number>();
  /** Every read's latency, sorted. */
  private readonly latencies: number[] = [];
  /** The newest RECENT_READS rows, oldest first. */
  private readonly recent: ReadRow[] = [];
  /**
   * Anomalous rows in the order judged: the newest RECENT_READS, and every one that may
   * still fall in the timeline's window (older ones are dropped as the window moves on).
   */
  private anomalousRows: ReadRow[] = [];
  /** Reads by clients other than the load generator (the page watches its own), with their order. */
  private readonly own = new Map<number, { index: number; row: ReadRow }>();
  /** The newest verdict's start: the timeline's window ends there. */
  private lastAt = 0;

  add(events: readonly Recorded[]): void {
    for (const e of events) {
      if (e.type === 'read.invoke') this.open.set(e.op, { route: { routedTo: e.node, reason: e.reason }, at: e.at });
      else if (e.type === 'read.ok' && e.waitedMs) {
        const read = this.open.get(e.op);
        if (read) read.route.waitedMs = e.waitedMs;
      }
      const verdict = this.classifier.add(e);
      if (verdict) this.count(verdict);
    }
  }

  private count(v: ReadVerdict): void {
    const row: ReadRow = { verdict: v, route: this.open.get(v.op)?.route };
    this.open.delete(v.op);
    if (v.client !== 'load') this.own.set(v.op, { index: this.reads, row });
    this.reads++;
    this.lastAt = v.at;
    this.latencies.splice(bisectRight(this.latencies, v.latencyMs), 0, v.latencyMs);
    this.recent.push(row);
    if (this.recent.length > RECENT_READS) this.recent.shift();
    if (!v.ok) {
      this.failed++;
      return;
    }
    this.servedBy.set(v.node, (this.servedBy.get(v.node) ?? 0) + 1);
    if (v.anomalies.length === 0) return;
    this.anomalous++;
    for (const a of v.anomalies) this.anomalies[a]++;
    this.anomalousRows.push(row);
  }

  summarize(primary: string, watch: readonly number[]): ReadStats {
    const sinceMs = this.lastAt - MARKED_WINDOW_MS;
    // Newest first: the table's latest few, and the timeline's whole recent window. A read
    // judged before sinceMs began before it, as did every one judged earlier.
    const markedAnomalous: ReadRow[] = [];
    const recentAnomalous: ReadRow[] = [];
    for (let i = this.anomalousRows.length - 1; i >= 0; i--) {
      const r = this.anomalousRows[i];
      const full = recentAnomalous.length >= RECENT_READS;
      if (full && (markedAnomalous.length >= MARKED_MAX || r.verdict.doneAt < sinceMs)) break;
      if (!full) recentAnomalous.push(r);
      if (r.verdict.at >= sinceMs && markedAnomalous.length < MARKED_MAX) markedAnomalous.push(r);
    }
    this.forgetOldAnomalies();
    const watched = watch
      .map((op) => this.own.get(op))
      .filter((w) => w !== undefined)
      .sort((a, b) => a.index - b.index)
      .map((w) => w.row);
    return {
      reads: this.reads,
      failed: this.failed,
      anomalies: { ...this.anomalies },
      anomalous: this.anomalous,
      okReads: this.reads - this.failed,
      servedByPrimary: this.servedBy.get(primary) ?? 0,
      p50Ms: percentile(this.latencies, 0.5),
      p99Ms: percentile(this.latencies, 0.99),
      recent: [...this.recent].reverse(),
      recentAnomalous,
      markedAnomalous,
      watched,
    };
  }

  /**
   * Drops anomalous rows no later window can mark: judged before the earliest window start
   * still possible (a read still open may be judged next, with its own start), keeping the
   * newest RECENT_READS.
   */
  private forgetOldAnomalies(): void {
    let earliestAt = this.lastAt;
    for (const { at } of this.open.values()) earliestAt = Math.min(earliestAt, at);
    const keepFrom = earliestAt - MARKED_WINDOW_MS;
    const rows = this.anomalousRows;
    let drop = 0;
    while (drop < rows.length - RECENT_READS && rows[drop].verdict.doneAt < keepFrom) drop++;
    if (drop > 0) this.anomalousRows = rows.slice(drop);
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
