/**
 * Plain-data types that cross the boundary between the engine and a database node (and
 * so may cross a worker's postMessage): requests, results, captured changes, errors.
 */

/** One row change captured on the primary, in the order it happened. */
export interface RowChange {
  table: string;
  /** DDL: a schema change, replayed by running its statement (`sql`) on the replica. */
  op: 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE' | 'DDL';
  /**
   * Primary-key columns and their values (the old key for UPDATE and DELETE; {} for
   * TRUNCATE and DDL). For a table the learner created, the whole old row (as PostgreSQL's
   * REPLICA IDENTITY FULL).
   */
  key: Record<string, unknown>;
  oldRow: Record<string, unknown> | null;
  newRow: Record<string, unknown> | null;
  /** DDL: the statement as the primary ran it. */
  sql?: string;
}

/** One committed transaction as captured on the primary. */
export interface CapturedTxn {
  xid: number;
  /** WAL insert position after the transaction committed (end of its commit record). */
  lsn: number;
  changes: RowChange[];
}

/** What a console run answered (see NodeHandle.console). */
export interface ConsoleResult extends WriteResult {
  /** The run ended inside a transaction it opened: rolled back, as when a session ends. */
  rolledBack: boolean;
}

/** The console's limits: rows shown per result, and its statement timeout (seconds, and the most a session may set). */
export interface ConsoleLimits {
  maxRows: number;
  timeoutS: number;
  maxTimeoutS: number;
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  /** Rows the console left out of `rows` (it shows at most CONSOLE_MAX_ROWS of a result). */
  omittedRows?: number;
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

/**
 * Everything the engine asks of one database node, wherever it runs. A node serves its
 * requests one at a time, each to its end, in the order they were called (a worker node by
 * its message queue, an in-process node through oneAtATime): the engine sends a read in one
 * event and awaits its answer in a later one, and relies on it seeing exactly what was sent
 * to the node before it.
 */
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
  /** Run any SQL text (several statements allowed): the engine's own SQL. */
  exec(sql: string): Promise<QueryResult[]>;
  /** Run one of the engine's own read-only queries (one statement, no parameters), prepared once per node. */
  read(sql: string): Promise<QueryResult>;
  /**
   * Run SQL a learner typed, as one session that ends with the run: statement by statement
   * (autocommit, as psql), refused before running where the lab cannot honour it, capped
   * and timed out, the session reset afterwards so nothing leaks into the shop's traffic.
   * On a primary it is captured (DDL included); on a replica it is read-only, as a hot
   * standby. Throws SqlError (with what committed before the error, as `captured`).
   */
  console(sql: string, limits: ConsoleLimits): Promise<ConsoleResult>;
  /** Apply transactions received from the primary, atomically, in order. */
  apply(txns: CapturedTxn[]): Promise<void>;
  /** Physical WAL records of transaction `xid`, from `fromLsn` to the end of the WAL. */
  walRecords(fromLsn: number, xid: number): Promise<WalRecord[]>;
  /** Read-only (replica) or read-write (primary). */
  setRole(role: NodeRole): Promise<void>;
  /** Every replicated table, rows ordered by key: used to check convergence. */
  dumpTables(): Promise<Record<string, Record<string, unknown>[]>>;
  /** The shop schema's shape (tables, columns, indexes) and the rows of every table: two nodes that converged agree. */
  dumpDatabase(): Promise<{ schema: Record<string, unknown>[]; tables: Record<string, Record<string, unknown>[]> }>;
  /** The whole data directory (after a checkpoint): what a base backup copies. */
  image(): Promise<Blob>;
  /** Replaces the whole database by another node's `image` (a fresh base backup), keeping the role. */
  restore(image: Blob): Promise<void>;
  close(): Promise<void>;
}
