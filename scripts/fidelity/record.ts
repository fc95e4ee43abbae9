/**
 * What one run of a fidelity scenario produced, in the same shape on both sides (the lab
 * on its virtual clock, real PostgreSQL in wall time): one result per step, plus the
 * reads a case asks for right after a write is acknowledged. Cases compute the outcome
 * they compare from this record only, with the same code for both sides.
 */

export interface StepResult {
  action: string;
  /** When the step started (ms from the start of the run). */
  atMs: number;
  /** When its operation finished; undefined while still waiting (a sync commit with no standby). */
  endMs?: number;
  ok?: boolean;
  orderId?: number;
  orderIds?: number[];
  /** `sql`: the first column of the first row of the last statement's result, as text. */
  value?: string;
  error?: string;
  /** SQLSTATE of the error. */
  code?: string;
}

/** A read sent the moment a write step is acknowledged (does the standby show it yet?). */
export interface Probe {
  afterStep: number;
  node: string;
  user: number;
}

export interface RunRecord {
  steps: StepResult[];
  /** Results of the probes, by the step they follow. */
  probes: Record<number, StepResult>;
}

/** Whether a step's operation had finished when the run ended. */
export function finished(r: StepResult | undefined): boolean {
  return r?.endMs !== undefined;
}

export function latencyMs(r: StepResult): number | undefined {
  return r.endMs === undefined ? undefined : r.endMs - r.atMs;
}

/** A read's result as words: which order ids it saw, or its error. */
export function seen(r: StepResult | undefined): string {
  if (!r) return 'not run';
  if (!finished(r)) return 'still waiting';
  if (r.ok === false) return `error: ${r.error}${r.code ? ` (${r.code})` : ''}`;
  return `orders [${(r.orderIds ?? []).join(', ')}]`;
}

/** A write's result as words. */
export function wrote(r: StepResult | undefined): string {
  if (!r) return 'not run';
  if (!finished(r)) return 'still waiting';
  if (r.ok === false) return `refused: ${r.error}${r.code ? ` (${r.code})` : ''}`;
  return `accepted (order ${r.orderId})`;
}

/** A sql step's result as words: its value or its error. */
export function answered(r: StepResult | undefined): string {
  if (!r) return 'not run';
  if (!finished(r)) return 'still waiting';
  if (r.ok === false) return `error: ${r.error}${r.code ? ` (${r.code})` : ''}`;
  return r.value === undefined ? 'ok' : `ok: ${r.value}`;
}

/** Normalises a SQL value to text (node-postgres gives counts as strings, PGlite as numbers). */
export function valueText(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (v === null) return 'NULL';
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
