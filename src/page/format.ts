/** Pure text formatting for the UI: engine times, order id lists, error messages. */
import { formatLsn, SqlError } from '../engine/index.ts';

/** Engine time as seconds with milliseconds: `12.345 s`. */
export function formatEngineTime(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/**
 * One formatter for every number the page shows (`12,345`). Number#toLocaleString builds
 * a new formatter per call, which the bench's profile found costing a tenth of the main
 * thread while the clock plays.
 */
const integers = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A whole number with thousands separators: `12,345`. */
export function formatCount(n: number): string {
  return integers.format(n);
}

export function formatMs(ms: number): string {
  return `${integers.format(Math.round(ms))} ms`;
}

/** A fraction as a percentage with one decimal: `0.4 %`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

export function formatIds(ids: readonly number[]): string {
  return ids.length === 0 ? 'none' : ids.map((id) => `#${id}`).join(', ');
}

export function formatLsnOrDash(lsn: number | undefined): string {
  return lsn === undefined ? '—' : formatLsn(lsn);
}

/** A failed outcome's error as psql would print it (libpq's errors have no SQLSTATE). */
export function outcomeError(error: string | undefined, code: string | undefined): string {
  return code ? new SqlError({ message: error ?? 'unknown error', code }).toString() : (error ?? 'unknown error');
}

/** Anything thrown, as one line for the page. */
export function describeError(err: unknown): string {
  if (err instanceof SqlError) return err.toString();
  if (err instanceof Error) return err.message;
  return String(err);
}
