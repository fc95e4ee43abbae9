/**
 * What the SQL console may run, decided before anything runs: the typed text split into
 * statements (with each one's offset, so PostgreSQL's error positions point into what the
 * learner typed), and the statements refused with a reason. Refused: changes to the lab's
 * own machinery (change capture, the standby guards), which in real PostgreSQL would not
 * exist (streaming replication needs no triggers) but here would silently stop
 * replication; things one node's single PGlite session cannot isolate or replicate; and,
 * on a replica, every way of asking for a read-write transaction, refused with the error
 * a real hot standby gives. Pure: text in, decisions out.
 */
import { postgreSplitterOptions, splitQuery } from 'dbgate-query-splitter';
import type { NodeRole, SqlErrorInfo } from './types.ts';

export interface Statement {
  text: string;
  /** Offset of the statement's first character in the whole text. */
  offset: number;
}

/** The statements of a console text, comments kept with the statement they precede. */
export function splitStatements(sql: string): Statement[] {
  const parts = splitQuery(sql, { ...postgreSplitterOptions, returnRichInfo: true }) as {
    text: string;
    trimStart?: { position: number };
    start: { position: number };
  }[];
  return parts
    .filter((p) => p.text.trim() !== '')
    .map((p) => ({ text: p.text, offset: (p.trimStart ?? p.start).position }));
}

/** The statement without comments and quoted literals (so a word inside a string never trips a rule). */
function code(text: string): string {
  return text
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .toLowerCase();
}

const CAPTURE_MACHINERY =
  'Replica Lab replicates through change-capture triggers in the schema replica_lab (real streaming ' +
  'replication ships the WAL and needs none), so the console does not let you change them: replication ' +
  'would stop without anyone noticing.';

interface Rule {
  test: RegExp;
  roles: NodeRole[];
  error: SqlErrorInfo;
}

const refusal = (message: string, hint: string, code = '0A000'): SqlErrorInfo => ({
  message,
  code,
  severity: 'ERROR',
  hint,
});

const RULES: Rule[] = [
  {
    test: /\breplica_lab\w*|\bsession_replication_role\b|\b(disable|enable)\s+(always\s+|replica\s+)?trigger\b|\bevent\s+trigger\b/,
    roles: ['primary', 'replica'],
    error: refusal('Replica Lab refuses to change its change capture', CAPTURE_MACHINERY),
  },
  {
    test: /\bdrop\s+trigger\s+(if\s+exists\s+)?"?replica_lab/,
    roles: ['primary', 'replica'],
    error: refusal('Replica Lab refuses to change its change capture', CAPTURE_MACHINERY),
  },
  {
    test: /^\s*(create|drop|alter)\s+database\b/,
    roles: ['primary', 'replica'],
    error: refusal(
      'Replica Lab refuses CREATE, ALTER and DROP DATABASE',
      'Each node is one PGlite database: the shop lives in it, and a second database could not replicate here.',
    ),
  },
  {
    test: /^\s*alter\s+system\b/,
    roles: ['primary', 'replica'],
    error: refusal(
      'Replica Lab refuses ALTER SYSTEM',
      "A node's configuration is the lab's: change replication with the panels (lag, modes, failover settings).",
    ),
  },
  {
    // A hot standby refuses to start or switch to a read-write transaction, with
    // feature_not_supported (0A000), as PostgreSQL's transaction_read_only check does
    // (the fidelity suite's standby-read-write-refused check compares it with a real standby).
    test: /\bread\s+write\b|\bset\s+(session\s+|local\s+)?transaction_read_only\b|set_config\s*\(\s*'transaction_read_only'/,
    roles: ['replica'],
    error: {
      message: 'cannot set transaction read-write mode during recovery',
      code: '0A000',
      severity: 'ERROR',
    },
  },
];

/** Why `statement` may not run on a node with `role`, as PostgreSQL-style error info; undefined when it may. */
export function refusalOf(statement: string, role: NodeRole): SqlErrorInfo | undefined {
  // `default_transaction_read_only` may be set (a standby allows it), but not `transaction_read_only`;
  // set_config's setting name is a literal, so it is kept for that one check.
  const setConfig = /set_config\s*\(\s*'transaction_read_only'/.test(statement.toLowerCase())
    ? " set_config('transaction_read_only'"
    : '';
  const probe = code(statement).replace(/\bdefault_transaction_read_only\b/g, 'default_tro') + setConfig;
  return RULES.find((r) => r.roles.includes(role) && r.test.test(probe))?.error;
}

/** Rows of one result set the console shows; the rest are counted, not sent. */
export const CONSOLE_MAX_ROWS = 500;
/** The console's statement timeout, and the most a session may raise it to (seconds of wall time). */
export const CONSOLE_TIMEOUT_S = 3;
export const CONSOLE_MAX_TIMEOUT_S = 10;
