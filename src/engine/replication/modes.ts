/**
 * Replication modes and when a commit may be acknowledged, as small pure pieces:
 * - async: after the primary's local commit;
 * - semi-sync (MySQL): once at least one replica reports it received the transaction; after
 *   `timeoutMs` with none (rpl_semi_sync_source_timeout, 10,000 ms) the primary falls back
 *   to async until a replica catches up;
 * - sync (PostgreSQL): `synchronous_standby_names` as `FIRST n (...)` or `ANY n (...)` and a
 *   `synchronous_commit` level: `remote_write` and `on` wait for the standby to report the
 *   WAL written/flushed, `remote_apply` for it to report it replayed. No fallback: with no
 *   synchronous standby, commits wait forever.
 */

export type SyncLevel = 'remote_write' | 'on' | 'remote_apply';
export const SYNC_LEVELS: readonly SyncLevel[] = ['remote_write', 'on', 'remote_apply'];

export interface StandbyNames {
  method: 'FIRST' | 'ANY';
  num: number;
  names: string[];
}

export type ReplicationMode =
  | { mode: 'async' }
  | { mode: 'semi-sync'; timeoutMs: number }
  | { mode: 'sync'; level: SyncLevel; standbys: StandbyNames };

export const SEMI_SYNC_TIMEOUT_MS = 10_000;

/**
 * Parses `synchronous_standby_names`: `FIRST 1 (replica-1)`, `ANY 2 (replica-1, replica-2)`,
 * or a bare list (PostgreSQL reads `a, b` as `FIRST 1 (a, b)`). Throws with a clear message.
 */
export function parseStandbyNames(text: string): StandbyNames {
  const m = /^\s*(?:(FIRST|ANY)\s+(\d+)\s*\(([^)]*)\)|([^()]+))\s*$/i.exec(text);
  if (!m)
    throw new Error(
      `"${text}" is not a synchronous_standby_names value such as "FIRST 1 (replica-1)" or "ANY 2 (replica-1, replica-2)"`,
    );
  const list = (m[3] ?? m[4])
    .split(',')
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .filter(Boolean);
  const method = (m[1]?.toUpperCase() ?? 'FIRST') as StandbyNames['method'];
  const num = m[2] ? Number(m[2]) : 1;
  if (list.length === 0) throw new Error(`"${text}" names no standby`);
  if (num < 1 || num > list.length) throw new Error(`"${text}" asks for ${num} of ${list.length} standbys`);
  return { method, num, names: list };
}

export function formatStandbyNames(s: StandbyNames): string {
  return `${s.method} ${s.num} (${s.names.join(', ')})`;
}

/** What the primary knows of each standby from its feedback: highest index written and replayed. */
export interface StandbyFeedback {
  name: string;
  /** Streaming now (up and connected): only these can be synchronous. */
  streaming: boolean;
  receivedIndex: number;
  replayedIndex: number;
}

/**
 * Whether the commit of log entry `index` may be acknowledged under `mode`, given the
 * standbys' feedback. For sync, also names the standbys it waits for (for the UI).
 */
export function commitAcknowledged(
  mode: ReplicationMode,
  index: number,
  feedback: StandbyFeedback[],
): { ok: boolean; waitingFor: string[] } {
  if (mode.mode === 'async') return { ok: true, waitingFor: [] };
  if (mode.mode === 'semi-sync') {
    const ok = feedback.some((f) => f.receivedIndex >= index);
    return { ok, waitingFor: ok ? [] : ['any replica'] };
  }
  const reached = (f: StandbyFeedback) => (mode.level === 'remote_apply' ? f.replayedIndex : f.receivedIndex) >= index;
  const listed = mode.standbys.names
    .map((n) => feedback.find((f) => f.name === n))
    .filter((f): f is StandbyFeedback => f !== undefined);
  if (mode.standbys.method === 'FIRST') {
    // The synchronous standbys are the first `num` of the list that are streaming now.
    const sync = listed.filter((f) => f.streaming).slice(0, mode.standbys.num);
    const pending = sync.filter((f) => !reached(f)).map((f) => f.name);
    const missing = mode.standbys.num - sync.length;
    return {
      ok: missing === 0 && pending.length === 0,
      waitingFor: [...pending, ...(missing > 0 ? [`${missing} more synchronous standby`] : [])],
    };
  }
  const acked = listed.filter(reached).length;
  return {
    ok: acked >= mode.standbys.num,
    waitingFor: acked >= mode.standbys.num ? [] : listed.filter((f) => !reached(f)).map((f) => f.name),
  };
}
