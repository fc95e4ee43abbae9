/**
 * The SQL console's logic, without React: running typed SQL on a node (or on two nodes at
 * the same engine time), psql-like error lines, cell text, the row diff of the side-by-side
 * mode, and the drafts kept per node in localStorage so no typed text is lost. Nothing
 * here throws: a failed run is a value to show.
 */
import { type QueryResult, SqlError, type SqlErrorInfo } from '../engine/index.ts';
import { currentLab } from './store.ts';

/** What one node answered: its results (one per statement), or PostgreSQL's error. */
export type SqlRun =
  | { ok: true; node: string; at: number; results: QueryResult[]; rolledBack: boolean }
  | { ok: false; node: string; at: number; error: SqlErrorInfo };

function asErrorInfo(err: unknown): SqlErrorInfo {
  if (err instanceof SqlError) return err.info;
  if (err instanceof Error) return { message: err.message };
  return { message: String(err) };
}

/**
 * Runs `text` on each of `nodes` as commands at the same engine time (while paused, the
 * clock runs just what is due now, as every command of the page does).
 */
export async function runSql(nodes: readonly string[], text: string): Promise<SqlRun[]> {
  const lab = currentLab();
  if (!lab) return nodes.map((node) => ({ ok: false, node, at: 0, error: { message: 'the cluster is not running' } }));
  const at = lab.cluster.clock.now();
  const pending = nodes.map((node) =>
    lab.cluster.send({ do: 'sql', node, text }).then(
      ({ results, rolledBack }): SqlRun => ({ ok: true, node, at, results, rolledBack }),
      (err: unknown): SqlRun => ({ ok: false, node, at, error: asErrorInfo(err) }),
    ),
  );
  try {
    if (lab.driver.getState().paused) await lab.driver.flush();
  } catch (err) {
    return nodes.map((node) => ({ ok: false, node, at, error: asErrorInfo(err) }));
  }
  return Promise.all(pending);
}

/**
 * The error as psql prints it: `ERROR:  message (SQLSTATE code)`, the statement line with a
 * caret under the error's position, then DETAIL and HINT.
 */
export function errorLines(info: SqlErrorInfo, text: string): string[] {
  const lines = [new SqlError(info).toString()];
  const position = Number(info.position);
  if (Number.isInteger(position) && position >= 1 && position <= text.length + 1 && pointsAtToken(info, text)) {
    const before = text.slice(0, position - 1);
    const lineNo = before.split('\n').length;
    const line = text.split('\n')[lineNo - 1] ?? '';
    const column = before.length - (before.lastIndexOf('\n') + 1);
    const prefix = `LINE ${lineNo}: `;
    lines.push(`${prefix}${line}`, `${' '.repeat(prefix.length + column)}^`);
  }
  if (info.detail) lines.push(`DETAIL:  ${info.detail}`);
  if (info.hint) lines.push(`HINT:  ${info.hint}`);
  return lines;
}

/**
 * Whether the error's position can be trusted to point into `text`: when the message names
 * the token (`at or near "X"`), X must be there. (The engine runs a primary's SQL inside its
 * own BEGIN ... COMMIT, so positions there count from that wrapper, not from the text typed.)
 */
function pointsAtToken(info: SqlErrorInfo, text: string): boolean {
  const near = /at or near "(.*)"$/.exec(info.message)?.[1];
  if (near === undefined) return true;
  return text.slice(Number(info.position) - 1).startsWith(near);
}

/** JSON that also takes bigints (count(*) may be one). */
export function rowKey(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
}

/** A cell as text: NULL for null, ISO dates, JSON for arrays and objects. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === 'object') return rowKey(value as Record<string, unknown>);
  return String(value);
}

/**
 * For each row of `rows`, whether it is missing from `other` (compared by JSON of the row,
 * as multisets: two equal rows here need two there).
 */
export function onlyIn(rows: readonly Record<string, unknown>[], other: readonly Record<string, unknown>[]): boolean[] {
  const left = new Map<string, number>();
  for (const row of other) {
    const key = rowKey(row);
    left.set(key, (left.get(key) ?? 0) + 1);
  }
  return rows.map((row) => {
    const key = rowKey(row);
    const n = left.get(key) ?? 0;
    if (n === 0) return true;
    left.set(key, n - 1);
    return false;
  });
}

// ---- drafts -------------------------------------------------------------------------------

const DRAFT_PREFIX = 'replica-lab.sql.';
export const COMPARE_DRAFT = 'side-by-side';
export const DEFAULT_SQL =
  'SELECT order_id, user_id, total_amount, status FROM orders ORDER BY order_id DESC LIMIT 10;';

/** The text last typed for `key` (a node's name, or COMPARE_DRAFT). */
export function loadDraft(key: string): string {
  try {
    return localStorage.getItem(DRAFT_PREFIX + key) ?? DEFAULT_SQL;
  } catch {
    return DEFAULT_SQL;
  }
}

export function saveDraft(key: string, text: string): void {
  try {
    localStorage.setItem(DRAFT_PREFIX + key, text);
  } catch {
    // Storage full or disabled: the draft still lives in the page's state.
  }
}
