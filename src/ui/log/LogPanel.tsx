/**
 * The primary's replication log: the newest committed transactions with their WAL position
 * (LSN), transaction id and row changes, which replicas have replayed each one, and, on
 * demand, the physical WAL records behind an entry (pg_walinspect). Names the log as
 * PostgreSQL does (WAL, LSN) and says what MySQL calls it (binlog, GTID). The entries come
 * with the snapshot (its recentLog); the WAL records are a command's reply.
 */
import { useState } from 'react';
import type { LogEntry, WalRecord } from '../../engine/index.ts';
import { inspectWal } from '../../page/commands.ts';
import { formatLsnOrDash } from '../../page/format.ts';
import { selectRecentLog } from '../../page/selectors.ts';
import { useLab } from '../../page/store.ts';

const SHOWN = 8;

function summary(entry: LogEntry): string {
  const counts = new Map<string, number>();
  for (const c of entry.changes) counts.set(`${c.op} ${c.table}`, (counts.get(`${c.op} ${c.table}`) ?? 0) + 1);
  return [...counts].map(([what, n]) => (n > 1 ? `${what} ×${n}` : what)).join(', ');
}

export function LogPanel() {
  const replication = useLab((s) => s.tableSnapshot?.replication) ?? [];
  const entries = useLab(selectRecentLog).slice(-SHOWN).reverse();
  return (
    <section className="panel" aria-labelledby="log-heading">
      <div className="panel-header">
        <h2 id="log-heading">Replication log</h2>
        <p className="muted">
          PostgreSQL calls it the <strong>WAL</strong> and its positions LSNs (like <code>0/8A7DA0</code>); MySQL calls
          it the <strong>binlog</strong>, with GTIDs. The seed says "binlog" for PostgreSQL.
        </p>
      </div>
      {entries.length === 0 ? (
        <p className="muted">No transaction yet: place an order.</p>
      ) : (
        <ol className="log-entries" aria-label="Newest transactions first">
          {entries.map((e) => (
            <LogRow
              key={`${e.timeline}-${e.index}`}
              entry={e}
              replayedBy={replication.filter((r) => r.replayLsn >= e.lsn).map((r) => r.name)}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function LogRow({ entry, replayedBy }: { entry: LogEntry; replayedBy: string[] }) {
  const [records, setRecords] = useState<WalRecord[] | string | undefined>();
  const inspect = async () => setRecords(await inspectWal(entry.index));
  return (
    <li>
      <span>
        #{entry.index} <code>{formatLsnOrDash(entry.lsn)}</code> xid {entry.xid}: {summary(entry)}
        {entry.orderIds.length ? ` (order ${entry.orderIds.join(', ')})` : ''}
      </span>{' '}
      <span className="muted">replayed by {replayedBy.length ? replayedBy.join(', ') : 'no replica yet'}</span>{' '}
      <button type="button" onClick={() => void inspect()} aria-label={`WAL records of transaction ${entry.index}`}>
        WAL records
      </button>
      {typeof records === 'string' && <p role="alert">{records}</p>}
      {Array.isArray(records) && (
        <table className="wal-records" aria-label={`WAL records of transaction ${entry.index}`}>
          <thead>
            <tr>
              <th scope="col">start LSN</th>
              <th scope="col">resource manager</th>
              <th scope="col">record</th>
              <th scope="col" className="num">
                bytes
              </th>
              <th scope="col">description</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.startLsn}>
                <td>
                  <code>{r.startLsn}</code>
                </td>
                <td>{r.resourceManager}</td>
                <td>{r.recordType}</td>
                <td className="num">{r.recordLength}</td>
                <td>{r.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}
