/**
 * `pg_stat_replication` as the primary would show it: one row per standby with its state,
 * the sent, write, flush and replay positions (LSNs) and the last measured write, flush and
 * replay lags, plus two columns PostgreSQL does not have: how long ago the oldest
 * transaction the standby has not replayed committed, and how many transactions it is behind.
 */
import type { ReplicationStatus } from '../../engine/index.ts';
import { formatMs } from '../../page/format.ts';
import { useLab } from '../../page/store.ts';
import './nodes.css';

function lag(ms: number | null): string {
  return ms === null ? '-' : formatMs(ms);
}

export function StatReplication() {
  const replication = useLab((s) => s.tableSnapshot?.replication);
  const primary = useLab((s) => s.tableSnapshot?.failover.primary);
  if (!replication) return null;
  return (
    <section className="panel" aria-labelledby="stat-replication-heading">
      <div className="panel-header">
        <h2 id="stat-replication-heading">pg_stat_replication</h2>
        <p className="muted">
          What <code>SELECT * FROM pg_stat_replication</code> on {primary ?? 'the primary'} reports for each standby.
          Lags are the last ones measured (<code>-</code> before there is one); "behind" is how things stand now.
        </p>
      </div>
      {replication.length === 0 ? (
        <p className="muted">No standby is connected (0 rows).</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table data-table-compact stat-replication" aria-labelledby="stat-replication-heading">
            <thead>
              <tr>
                <th scope="col">application_name</th>
                <th scope="col">state</th>
                <th scope="col">sent_lsn</th>
                <th scope="col">write_lsn</th>
                <th scope="col">flush_lsn</th>
                <th scope="col">replay_lsn</th>
                <th scope="col" className="num">
                  write_lag
                </th>
                <th scope="col" className="num">
                  flush_lag
                </th>
                <th scope="col" className="num">
                  replay_lag
                </th>
                <th scope="col" className="num">
                  behind (ms)
                </th>
                <th scope="col" className="num">
                  behind (txns)
                </th>
              </tr>
            </thead>
            <tbody>
              {replication.map((r) => (
                <StatRow key={r.name} r={r} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StatRow({ r }: { r: ReplicationStatus }) {
  return (
    <tr>
      <th scope="row">{r.name}</th>
      <td>{r.state}</td>
      <td>
        <code>{r.sent_lsn}</code>
      </td>
      <td>
        <code>{r.write_lsn}</code>
      </td>
      <td>
        <code>{r.flush_lsn}</code>
      </td>
      <td>
        <code>{r.replay_lsn}</code>
      </td>
      <td className="num">{lag(r.write_lag)}</td>
      <td className="num">{lag(r.flush_lag)}</td>
      <td className="num">{lag(r.replay_lag)}</td>
      <td className="num">{formatMs(r.behindMs)}</td>
      <td className="num">{r.behindEntries}</td>
    </tr>
  );
}
