/**
 * The cluster's status as a table, one row per node: role, up/down, its load (ops/s and
 * utilisation of the seed's 10,000 ops/s a node handles), where its replay has
 * got to and how far behind it is (from the pg_stat_replication-like rows), the link,
 * power and network-partition controls, and the orders the last "Check every node" saw
 * there. Roles follow failovers: the endpoint, fenced and partitioned nodes are marked.
 * Selects slices of the store; NodeRow and LagInput take plain props.
 */
import { useEffect, useRef, useState } from 'react';
import { MAX_LAG_MS, type NodeSnapshot, type ReplicationStatus } from '../../engine/index.ts';
import { checkEveryNode, sendCommand } from '../../page/commands.ts';
import { formatCount, formatIds, formatLsnOrDash, formatMs, formatPercent } from '../../page/format.ts';
import { type NodeOrders, useLab } from '../../page/store.ts';
import './nodes.css';

export function NodeTable() {
  const nodes = useLab((s) => s.tableSnapshot?.nodes);
  const replication = useLab((s) => s.tableSnapshot?.replication);
  const log = useLab((s) => s.tableSnapshot?.log);
  const check = useLab((s) => s.check);
  const user = useLab((s) => s.user);
  const failover = useLab((s) => s.tableSnapshot?.failover);
  if (!nodes || !replication || !log || !failover) return null;
  const checkedUser = check?.user ?? user;
  return (
    <section className="panel" aria-labelledby="nodes-heading">
      <div className="panel-header">
        <h2 id="nodes-heading">Nodes</h2>
        <p className="muted">
          Primary log: {log.headIndex} {log.headIndex === 1 ? 'transaction' : 'transactions'}, head LSN{' '}
          <code>{formatLsnOrDash(log.headLsn)}</code>, {log.retainedEntries} kept for replicas that have not replayed
          them
        </p>
        <button type="button" onClick={() => void checkEveryNode()}>
          Check every node
        </button>
      </div>
      <div className="table-scroll">
        <table className="data-table nodes-table" aria-labelledby="nodes-heading">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Ops/s
              </th>
              <th scope="col" className="num" title="Ops/s against the seed's 10,000 ops/s a node handles">
                Utilisation
              </th>
              <th scope="col">Replication</th>
              <th scope="col">Replay LSN</th>
              <th scope="col" className="num">
                Behind
              </th>
              <th scope="col" className="num">
                Behind (txns)
              </th>
              <th scope="col">Link lag (ms)</th>
              <th scope="col">Link</th>
              <th
                scope="col"
                title="Kill or restart a node; a partition cuts it off from the other nodes and the failover manager (clients still reach it)"
              >
                Faults
              </th>
              <th scope="col">Orders of user {checkedUser}</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((node) => (
              <NodeRow
                key={node.name}
                node={node}
                replication={replication.find((r) => r.name === node.name)}
                headLsn={log.headLsn}
                orders={check?.byNode[node.name]}
                marks={{
                  endpoint: failover.endpoint === node.name,
                  fenced: failover.fenced.includes(node.name),
                  partitioned: failover.partitioned.includes(node.name),
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

interface NodeRowProps {
  node: NodeSnapshot;
  /** Undefined for the primary. */
  replication: ReplicationStatus | undefined;
  headLsn: number;
  orders: NodeOrders | undefined;
  marks: NodeMarks;
}

/** What the failover manager says of a node beyond its role. */
interface NodeMarks {
  /** Clients' writes go here (the seed's DNS name). */
  endpoint: boolean;
  fenced: boolean;
  partitioned: boolean;
}

function NodeRow({ node, replication: r, headLsn, orders, marks }: NodeRowProps) {
  const id = (what: string) => `${node.name}-${what}`;
  return (
    <tr>
      <th scope="row">{node.name}</th>
      <td data-testid={id('role')}>
        {node.role}
        {marks.endpoint && (
          <span className="badge badge-endpoint nodes-mark" title="Clients' writes go here">
            endpoint
          </span>
        )}
        {marks.fenced && <span className="badge badge-down nodes-mark">fenced</span>}
        {marks.partitioned && <span className="badge badge-recovering nodes-mark">partitioned</span>}
      </td>
      <td data-testid={id('status')}>
        <span className={`badge badge-${node.status}`}>{node.status}</span>
      </td>
      <td data-testid={id('ops')} className="num">
        {formatCount(node.opsPerSec)}
      </td>
      <td data-testid={id('utilisation')} className="num">
        {formatPercent(node.utilisation)}
      </td>
      <td data-testid={id('replication')}>{r ? r.state : node.role === 'primary' ? 'source' : 'not following'}</td>
      <td data-testid={id('replay-lsn')}>
        <code>{r ? r.replay_lsn : formatLsnOrDash(headLsn)}</code>
      </td>
      <td data-testid={id('behind-ms')} className="num">
        {r ? formatMs(r.behindMs) : '—'}
      </td>
      <td data-testid={id('behind-txns')} className="num">
        {r ? r.behindEntries : '—'}
      </td>
      <td>{r ? <LagInput node={node.name} lagMs={r.lagMs} /> : '—'}</td>
      <td>
        {r ? (
          <button
            type="button"
            onClick={() => void sendCommand({ do: r.connected ? 'disconnect' : 'reconnect', node: node.name })}
          >
            {r.connected ? 'Disconnect' : 'Reconnect'}
            <span className="visually-hidden"> {node.name}</span>
          </button>
        ) : (
          '—'
        )}
      </td>
      <td>
        <div className="nodes-faults">
          <PowerButton node={node.name} status={node.status} />
          <button
            type="button"
            className={marks.partitioned ? undefined : 'danger-button'}
            onClick={() => void sendCommand({ do: marks.partitioned ? 'heal' : 'partition', node: node.name })}
          >
            {marks.partitioned ? 'Heal' : 'Partition'}
            <span className="visually-hidden"> {node.name}</span>
          </button>
        </div>
      </td>
      <td data-testid={id('orders')}>
        <OrdersCell node={node.name} orders={orders} />
      </td>
    </tr>
  );
}

function PowerButton({ node, status }: { node: string; status: NodeSnapshot['status'] }) {
  if (status === 'recovering') {
    return (
      <button type="button" disabled>
        Recovering…<span className="visually-hidden"> {node}</span>
      </button>
    );
  }
  const up = status === 'up';
  return (
    <button
      type="button"
      className={up ? 'danger-button' : undefined}
      onClick={() => void sendCommand({ do: up ? 'killNode' : 'restartNode', node })}
    >
      {up ? 'Kill' : 'Restart'}
      <span className="visually-hidden"> {node}</span>
    </button>
  );
}

function OrdersCell({ node, orders }: { node: string; orders: NodeOrders | undefined }) {
  if (!orders) return <span className="muted">not checked</span>;
  if (orders.status === 'pending') return <span className="muted">reading…</span>;
  if (orders.status === 'error') return <span className="error-text">{orders.error}</span>;
  return (
    <>
      <span data-testid={`${node}-order-count`}>{orders.orderIds.length}</span>
      {': '}
      <span data-testid={`${node}-order-ids`}>{formatIds(orders.orderIds)}</span>
      {orders.missing.length > 0 && <span className="warning-text"> (not here yet: {formatIds(orders.missing)})</span>}
    </>
  );
}

function isValidLag(text: string): boolean {
  const ms = Number(text);
  return text.trim() !== '' && Number.isInteger(ms) && ms >= 0 && ms <= MAX_LAG_MS;
}

/**
 * A replica link's one-way delay: a slider (0-10 s, for dragging in front of a class) and
 * a number field (exact ms); every valid value is applied at once.
 */
function LagInput({ node, lagMs }: { node: string; lagMs: number }) {
  // While the learner types, show their text; otherwise the engine's value.
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? String(lagMs);
  const valid = isValidLag(value);
  // The slider shows where it is dragged; the lag is sent once, on release (the native
  // change event; React's onChange fires on every step of a drag), and the slider follows
  // the engine again once the engine reports that lag.
  const [dragged, setDragged] = useState<number | null>(null);
  const slider = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (dragged === lagMs) setDragged(null);
  }, [dragged, lagMs]);
  useEffect(() => {
    const el = slider.current;
    if (!el) return;
    const commit = () => void sendCommand({ do: 'setLag', node, ms: Number(el.value) }, { quiet: true });
    el.addEventListener('change', commit);
    return () => el.removeEventListener('change', commit);
  }, [node]);
  const sliderMs = dragged ?? lagMs;
  return (
    <span className="inline-field">
      <input
        type="range"
        className="nodes-lag-slider"
        min={0}
        max={MAX_LAG_MS}
        step={100}
        value={sliderMs}
        aria-label={`Lag of ${node}`}
        aria-valuetext={`${(sliderMs / 1000).toFixed(1)} s`}
        ref={slider}
        onChange={(e) => setDragged(Number(e.target.value))}
        onBlur={() => setDragged(null)}
      />
      <LagNumber node={node} value={value} valid={valid} setDraft={setDraft} />
    </span>
  );
}

function LagNumber({
  node,
  value,
  valid,
  setDraft,
}: {
  node: string;
  value: string;
  valid: boolean;
  setDraft: (draft: string | null) => void;
}) {
  return (
    <input
      type="number"
      className="nodes-lag-input"
      min={0}
      max={MAX_LAG_MS}
      step={50}
      value={value}
      aria-label={`Lag of ${node} (ms)`}
      aria-invalid={!valid}
      title={`One-way delay from the primary to ${node}, 0-${MAX_LAG_MS} ms`}
      onChange={(e) => {
        setDraft(e.target.value);
        if (isValidLag(e.target.value))
          void sendCommand({ do: 'setLag', node, ms: Number(e.target.value) }, { quiet: true });
      }}
      onBlur={() => setDraft(null)}
    />
  );
}
