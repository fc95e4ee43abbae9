/**
 * What a run measured that the capacity model can take as input: the mean failover
 * downtime (checker/downtime.ts's measurement, first failed to first successful write)
 * and the peak load and replica replay rate seen in the history, per one-second bucket of
 * engine time. Observes only. Pure.
 */
import type { FailoverDowntime } from '../checker/downtime.ts';
import type { Recorded } from '../sim/history.ts';

/** The mean measured downtime of the run's failovers, undefined before one finished. */
export function meanFailoverDowntimeMs(downtimes: readonly FailoverDowntime[]): number | undefined {
  const measured = downtimes.flatMap((d) => (d.downtimeMs === null ? [] : [d.downtimeMs]));
  return measured.length > 0 ? measured.reduce((a, b) => a + b, 0) / measured.length : undefined;
}

export interface MeasuredRates {
  /** Acknowledged writes in the busiest second. */
  peakWritesPerSec: number;
  /** Successful reads in the busiest second. */
  peakReadsPerSec: number;
  /** The most transactions one replica replayed in one second. */
  peakReplayPerSec: number;
  /** Whole seconds of engine time the events cover. */
  seconds: number;
}

function peak(counts: Map<string, number>): number {
  let max = 0;
  for (const c of counts.values()) max = Math.max(max, c);
  return max;
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Peaks per second of engine time over `events` (the snapshot's history window, or a whole history). */
export function measuredRates(events: readonly Recorded[]): MeasuredRates {
  const writes = new Map<string, number>();
  const reads = new Map<string, number>();
  const replay = new Map<string, number>();
  for (const e of events) {
    const second = Math.floor(e.at / 1000);
    if (e.type === 'write.ok') bump(writes, String(second));
    else if (e.type === 'read.ok') bump(reads, String(second));
    else if (e.type === 'repl.applied') bump(replay, `${e.node}@${second}`);
  }
  const first = events[0]?.at ?? 0;
  const last = events.at(-1)?.at ?? 0;
  return {
    peakWritesPerSec: peak(writes),
    peakReadsPerSec: peak(reads),
    peakReplayPerSec: peak(replay),
    seconds: Math.floor((last - first) / 1000),
  };
}
