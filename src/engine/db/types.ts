/**
 * Plain-data types that cross the boundary between the engine and a database node (and
 * so may cross a worker's postMessage): requests, results, captured changes, errors.
 */

/** One row change captured on the primary, in the order it happened. */
export interface RowChange {
  table: string;
  op: 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE';
  /** Primary-key columns and their values (the old key for UPDATE and DELETE; {} for TRUNCATE). */
  key: Record<string, unknown>;
  oldRow: Record<string, unknown> | null;
  newRow: Record<string, unknown> | null;
}

/** One committed transaction as captured on the primary. */
export interface CapturedTxn {
  xid: number;
  /** WAL insert position after the transaction committed (end of its commit record). */
  lsn: number;
  changes: RowChange[];
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  fields: string[];
  command?: string;
  affectedRows?: number;
}

export interface WriteResult {
  /** Results of each statement that ran. */
  results: QueryResult[];
  /** One entry per transaction that committed changes to replicated tables. */
  txns: CapturedTxn[];
  /** WAL insert position after the write (its commit end LSN). */
  endLsn: number;
}

export interface WalRecord {
  startLsn: string;
  endLsn: string;
  resourceManager: string;
  recordType: string;
  recordLength: number;
  xid: number;
  description: string;
}

/** A PostgreSQL error as PostgreSQL reported it (severity, SQLSTATE code, message...). */
export interface SqlErrorInfo {
  message: string;
  severity?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

export class SqlError extends Error {
  readonly info: SqlErrorInfo;
  constructor(info: SqlErrorInfo) {
    super(info.message);
    this.name = 'SqlError';
    this.info = info;
  }
  /** "ERROR:  message" with SQLSTATE, as psql prints it. */
  toString(): string {
    return `${this.info.severity ?? 'ERROR'}:  ${this.info.message}${this.info.code ? ` (SQLSTATE ${this.info.code})` : ''}`;
  }
}

export function toSqlErrorInfo(err: unknown): SqlErrorInfo {
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as Record<string, unknown>;
    const pick = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
    return {
      message: String(e.message),
      severity: pick('severity'),
      code: pick('code'),
      detail: pick('detail'),
      hint: pick('hint'),
      position: pick('position'),
    };
  }
  return { message: String(err) };
}

export type NodeRole = 'primary' | 'replica';

/** A value the engine writes: rendered as an SQL literal (strings quoted, never spliced raw). */
export type SqlValue = string | number | boolean | null;

/** Everything the engine asks of one database node, wherever it runs. */
export interface NodeHandle {
  /** Run SQL as a client write on a primary and return what was captured. */
  write(sql: string, params?: unknown[]): Promise<WriteResult>;
  /**
   * Insert rows into one table on a primary in a single statement, capturing them from its
   * RETURNING clause (the fast path for the app's own writes). `results[0].rows` holds the
   * inserted rows as stored (defaults and serial ids filled in).
   */
  insert(table: string, rows: Record<string, SqlValue>[]): Promise<WriteResult>;
  /** Run one statement (with parameters) and return its rows. */
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** Run any SQL text (several statements allowed), as a console does. */
  exec(sql: string): Promise<QueryResult[]>;
  /** Apply transactions received from the primary, atomically, in order. */
  apply(txns: CapturedTxn[]): Promise<void>;
  /** Physical WAL records of transaction `xid`, from `fromLsn` to the end of the WAL. */
  walRecords(fromLsn: number, xid: number): Promise<WalRecord[]>;
  /** Read-only (replica) or read-write (primary). */
  setRole(role: NodeRole): Promise<void>;
  /** Every replicated table, rows ordered by key: used to check convergence. */
  dumpTables(): Promise<Record<string, Record<string, unknown>[]>>;
  close(): Promise<void>;
}
