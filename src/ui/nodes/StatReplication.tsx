/**
 * `pg_stat_replication` as the primary would show it: one row per connected standby (a
 * standby that is down or cut off has no walsender, so no row) with its state, the sent,
 * write, flush and replay positions (LSNs), the last measured write, flush and replay lags
 * and its `sync_state` (under the orders' replication mode), plus two columns PostgreSQL
 * does not have: how long ago the oldest transaction the standby has not replayed
 * committed, and how many transactions it is behind.
 */
import { type ReplicationStatus, type SyncState, syncStates } from '../../engine/index.ts';
import { formatMs } from '../../page/format.ts';
import { useLab } from '../../page/store.ts';
import './nodes.css';

function lag(ms: number | null): string {
  return ms === null ? '-' : formatMs(ms);
}

export function StatReplication() {
  const replication = useLab((s) => s.tableSnapshot?.replication);
  const primary = useLab((s) => s.tableSnapshot?.failover.primary);
  const mode = useLab((s) => s.tableSnapshot?.replicationModes.orders);
  if (!replication || !mode) return null;
  const connected = replication.filter((r) => r.state === 'streaming');
  const notConnected = replication.filter((r) => r.state !== 'streaming').map((r) => r.name);
  const sync = syncStates(
    connected.map((r) => r.name),
    mode,
  );
  return (
    <section className="panel" aria-labelledby="stat-replication-heading">
      <div className="panel-header">
        <h2 id="stat-replication-heading">pg_stat_replication</h2>
        <p className="muted">
          What <code>SELECT * FROM pg_stat_replication</code> on {primary ?? 'the primary'} reports for each standby.
          Lags are the last ones measured (<code>-</code> before there is one); "behind" is how things stand now.
        </p>
      </div>
      {notConnected.length > 0 && (
        <p className="muted">Not connected, so not in the view: {notConnected.join(', ')}.</p>
      )}
      {connected.length === 0 ? (
        <p className="muted">No standby is connected (0 rows).</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: in a narrow column the table scrolls sideways, so keyboards must reach it
        <section className="table-scroll" tabIndex={0} aria-label="pg_stat_replication, scrolls sideways">
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
                <th scope="col">sync_state</th>
                <th scope="col" className="num">
                  behind (ms)
                </th>
                <th scope="col" className="num">
                  behind (txns)
                </th>
              </tr>
            </thead>
            <tbody>
              {connected.map((r) => (
                <StatRow key={r.name} r={r} syncState={sync[r.name] ?? 'async'} />
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}

function StatRow({ r, syncState }: { r: ReplicationStatus; syncState: SyncState }) {
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
      <td>{syncState}</td>
      <td className="num">{formatMs(r.behindMs)}</td>
      <td className="num">{r.behindEntries}</td>
    </tr>
  );
}
