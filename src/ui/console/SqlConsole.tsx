/**
 * A SQL console on every node, as psql connected straight to it: pick a node, type SQL,
 * Run (or Ctrl+Enter). Each statement's result is a table; an error is shown as PostgreSQL
 * reports it (severity, message, SQLSTATE, the position, DETAIL and HINT). On a replica
 * the session is read-only, so a write fails with PostgreSQL's own error; on the primary it
 * is a write like any other and replicates. "Side by side" runs the same SQL on the primary
 * and a replica at the same engine time and marks the rows one has and the other has not.
 * What was typed is kept per node (and in localStorage), so switching nodes loses nothing.
 */
import { useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CONSOLE_MAX_ROWS, CONSOLE_MAX_TIMEOUT_S, CONSOLE_TIMEOUT_S, type QueryResult } from '../../engine/index.ts';
import { formatCount, formatEngineTime } from '../../page/format.ts';
import {
  COMPARE_DRAFT,
  cellText,
  errorLines,
  loadDraft,
  onlyIn,
  runSql,
  type SqlRun,
  saveDraft,
} from '../../page/sqlConsole.ts';
import { useLab } from '../../page/store.ts';
import { CheckedMark } from '../shared/CheckedMark.tsx';
import './console.css';

type Mode = 'one' | 'compare';

interface Output {
  id: number;
  mode: Mode;
  text: string;
  status: 'running' | 'done';
  runs: SqlRun[];
}

export function SqlConsole() {
  const nodes = useLab(useShallow((s) => s.snapshot?.nodes.map((n) => n.name) ?? []));
  const primary = useLab((s) => s.snapshot?.failover.primary);
  const [mode, setMode] = useState<Mode>('one');
  const [node, setNode] = useState('primary');
  const [replica, setReplica] = useState('');
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [output, setOutput] = useState<Output | undefined>();
  const runId = useRef(0);
  const ids = useId();
  if (!primary || nodes.length === 0) return null;

  const replicas = nodes.filter((n) => n !== primary);
  const chosenNode = nodes.includes(node) ? node : primary;
  const chosenReplica = replicas.includes(replica) ? replica : replicas[0];
  const draftKey = mode === 'one' ? chosenNode : COMPARE_DRAFT;
  const text = drafts[draftKey] ?? loadDraft(draftKey);
  const targets = mode === 'one' ? [chosenNode] : chosenReplica ? [primary, chosenReplica] : [];

  const edit = (value: string) => {
    setDrafts((d) => ({ ...d, [draftKey]: value }));
    saveDraft(draftKey, value);
  };

  const run = async () => {
    if (targets.length === 0 || text.trim() === '') return;
    const id = ++runId.current;
    setOutput({ id, mode, text, status: 'running', runs: [] });
    const runs = await runSql(targets, text);
    // A later run replaces this one; its answer is no longer wanted.
    if (id === runId.current) setOutput({ id, mode, text, status: 'done', runs });
  };

  return (
    <section className="panel sql-console" aria-labelledby={`${ids}-heading`}>
      <div className="panel-header">
        <h2 id={`${ids}-heading`}>SQL console</h2>
        <p className="muted">
          As <code>psql</code> connected straight to a node. Replicas are read-only (hot standby): a write there fails
          with PostgreSQL's own error. A write on the primary is replicated, schema changes (DDL) included.
        </p>
        <p className="muted" data-testid="console-limits">
          Each run is a session of its own: statements autocommit as in psql, and settings, temporary tables and an
          unfinished transaction end with the run, so nothing reaches the shop's own traffic. Statement timeout{' '}
          {CONSOLE_TIMEOUT_S} s (at most {CONSOLE_MAX_TIMEOUT_S} s: PGlite cannot interrupt a statement, so only{' '}
          <code>pg_sleep</code> honours it, and while a statement runs the lab's clock waits); at most{' '}
          {formatCount(CONSOLE_MAX_ROWS)} rows shown per result. The lab's change capture (schema{' '}
          <code>replica_lab</code>) cannot be changed from here.
        </p>
        <CheckedMark behaviours={['read-only-standby', 'ddl-replicates']} />
      </div>
      <form
        className="sql-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <div className="sql-controls">
          <fieldset className="sql-mode">
            <legend>Mode</legend>
            <label>
              <input type="radio" name={`${ids}-mode`} checked={mode === 'one'} onChange={() => setMode('one')} />
              One node
            </label>
            <label>
              <input
                type="radio"
                name={`${ids}-mode`}
                checked={mode === 'compare'}
                onChange={() => setMode('compare')}
              />
              Side by side
            </label>
          </fieldset>
          {mode === 'one' ? (
            <label className="field">
              Node
              <select value={chosenNode} onChange={(e) => setNode(e.target.value)}>
                {nodes.map((n) => (
                  <option key={n} value={n}>
                    {n}
                    {n === primary && n !== 'primary' ? ' (primary)' : ''}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <label className="field">
              Compare {primary} with
              <select value={chosenReplica ?? ''} onChange={(e) => setReplica(e.target.value)}>
                {replicas.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <label className="field sql-text">
          SQL
          <textarea
            value={text}
            rows={4}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            aria-keyshortcuts="Control+Enter"
            onChange={(e) => edit(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void run();
              }
            }}
          />
        </label>
        <div className="sql-actions">
          <button type="submit" className="primary-button" disabled={targets.length === 0}>
            Run
          </button>
          <span className="hint">
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs it
            {mode === 'one' ? ` on ${chosenNode}` : ` on ${primary} and ${chosenReplica ?? 'a replica'}`}
          </span>
        </div>
      </form>
      <ConsoleOutput output={output} />
    </section>
  );
}

function ConsoleOutput({ output }: { output: Output | undefined }) {
  return (
    <section className="sql-output" aria-label="Console output" aria-busy={output?.status === 'running'}>
      {!output ? (
        <p className="muted">Nothing run yet.</p>
      ) : output.status === 'running' ? (
        <p className="muted">Running…</p>
      ) : output.mode === 'compare' && output.runs.length === 2 ? (
        <Comparison left={output.runs[0]} right={output.runs[1]} text={output.text} />
      ) : (
        output.runs.map((r) => <RunView key={r.node} run={r} text={output.text} />)
      )}
    </section>
  );
}

function RunView({ run, text, other }: { run: SqlRun; text: string; other?: SqlRun }) {
  return (
    <div className="sql-run">
      <p className="sql-run-title">
        <strong>{run.node}</strong> <span className="muted">at engine time {formatEngineTime(run.at)}</span>
      </p>
      {run.ok && run.rolledBack && (
        <p className="sql-note" role="status">
          The run ended inside a transaction it opened (BEGIN without COMMIT): rolled back, as when a session ends. Each
          run is a session of its own.
        </p>
      )}
      {run.ok ? (
        run.results.length === 0 ? (
          <p className="muted">No statement ran.</p>
        ) : (
          run.results.map((result, i) => (
            <ResultTable
              // biome-ignore lint/suspicious/noArrayIndexKey: one table per statement, in order
              key={i}
              label={`Result ${i + 1} on ${run.node}`}
              node={run.node}
              result={result}
              compareWith={other?.ok ? (other.results[i] ?? null) : undefined}
              otherNode={other?.node}
            />
          ))
        )
      ) : (
        <pre className="sql-error" role="alert">
          {errorLines(run.error, text).join('\n')}
        </pre>
      )}
    </div>
  );
}

function Comparison({ left, right, text }: { left: SqlRun; right: SqlRun; text: string }) {
  return (
    <div className="sql-compare">
      <RunView run={left} text={text} other={right} />
      <RunView run={right} text={text} other={left} />
    </div>
  );
}

/** psql's command tag for a statement without rows: `INSERT 0 1`, `UPDATE 2`... */
function commandTag(result: QueryResult): string {
  const command = result.command ?? 'OK';
  if (result.affectedRows === undefined) return command;
  return command === 'INSERT' ? `INSERT 0 ${result.affectedRows}` : `${command} ${result.affectedRows}`;
}

interface ResultTableProps {
  label: string;
  node: string;
  result: QueryResult;
  /** In side-by-side mode: the other node's result for the same statement (null: it has none). */
  compareWith?: QueryResult | null;
  otherNode?: string;
}

function ResultTable({ label, node, result, compareWith, otherNode }: ResultTableProps) {
  const comparing = compareWith !== undefined;
  if (result.fields.length === 0) {
    return (
      <p className="sql-tag">
        <span className="visually-hidden">{label}: </span>
        <code>{commandTag(result)}</code>
      </p>
    );
  }
  const marks = comparing ? onlyIn(result.rows, compareWith?.rows ?? []) : [];
  const differing = marks.filter(Boolean).length;
  const total = result.rows.length + (result.omittedRows ?? 0);
  const count = `(${formatCount(total)} ${total === 1 ? 'row' : 'rows'}${
    result.omittedRows
      ? `; the first ${formatCount(result.rows.length)} shown, ${formatCount(result.omittedRows)} left out`
      : ''
  })`;
  return (
    <div className="sql-result">
      <div className="table-scroll">
        <table className="data-table data-table-compact sql-table" aria-label={label}>
          <thead>
            <tr>
              {comparing && (
                <th scope="col">
                  <span className="visually-hidden">Only here?</span>
                </th>
              )}
              {result.fields.map((f, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns may share a name
                <th key={i} scope="col">
                  {f}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row, r) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
              <tr key={r} className={marks[r] ? 'sql-only-here' : undefined}>
                {comparing && <td className="sql-mark">{marks[r] ? `only on ${node}` : ''}</td>}
                {result.fields.map((f, i) => {
                  const value = row[f];
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns may share a name
                    <td key={i} className={value === null || value === undefined ? 'muted' : undefined}>
                      {cellText(value)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="sql-count muted">
        {count}
        {comparing &&
          result.rows.length > 0 &&
          (differing === 0 ? `, all also on ${otherNode}` : `, ${differing} not on ${otherNode}`)}
      </p>
    </div>
  );
}
