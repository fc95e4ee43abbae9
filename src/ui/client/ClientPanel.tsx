/**
 * The learner as a client of the shop: pick a user, place an order and read that user's
 * orders back, through the load balancer (as the seed's app does), through one app server,
 * or straight to a node (a write on a replica is refused). Shows each reply, why routing
 * sent the read where it did, and the consistency checker's verdict on it.
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CURRENT_PRIMARY } from '../../engine/index.ts';
import { placeOrder, readOrders, setUser } from '../../page/commands.ts';
import { formatIds, formatLsnOrDash, formatMs } from '../../page/format.ts';
import { findRead } from '../../page/readStats.ts';
import { type ReadView, type Route, USERS, useLab, type WriteView } from '../../page/store.ts';
import { VerdictBadges } from '../shared/VerdictBadges.tsx';
import './client.css';

const DEFAULT_TOTAL = '59.90';

/** '' is the load balancer; an app server's name goes through it; a node's name goes straight there. */
function toRoute(value: string, servers: readonly string[]): Route {
  if (value === '') return {};
  return servers.includes(value) ? { via: value } : { node: value };
}

function describeRoute(route: Route): string {
  if (route.node === CURRENT_PRIMARY) return 'the current primary';
  return route.node ?? route.via ?? 'the load balancer';
}

export function ClientPanel() {
  const user = useLab((s) => s.user);
  const nodeNames = useLab(useShallow((s) => s.snapshot?.nodes.map((n) => n.name) ?? []));
  const servers = useLab(useShallow((s) => s.snapshot?.app.servers ?? []));
  const endpoint = useLab((s) => s.snapshot?.failover.endpoint);
  const sharded = useLab((s) => s.snapshot?.sharding !== undefined);
  const [total, setTotal] = useState(DEFAULT_TOTAL);
  // '' means the load balancer, for writes and reads alike.
  const [writeTarget, setWriteTarget] = useState('');
  const [readTarget, setReadTarget] = useState('');
  return (
    <section className="panel" aria-labelledby="client-heading">
      <div className="panel-header">
        <h2 id="client-heading">Client</h2>
        <label className="inline-field">
          User
          <select value={user} onChange={(e) => setUser(Number(e.target.value))}>
            {USERS.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="client-cards">
        <form
          className="client-card"
          aria-labelledby="write-heading"
          onSubmit={(e) => {
            e.preventDefault();
            void placeOrder(Number(total), toRoute(writeTarget, servers));
          }}
        >
          <h3 id="write-heading">Write</h3>
          <div className="client-fields">
            <label className="field">
              Total
              <input
                type="number"
                min={0.01}
                step={0.01}
                required
                value={total}
                onChange={(e) => setTotal(e.target.value)}
              />
            </label>
            <RouteSelect
              label="Send to"
              value={writeTarget}
              onChange={setWriteTarget}
              servers={servers}
              nodes={nodeNames}
            />
          </div>
          <button type="submit" className="primary-button">
            Place order
          </button>
          <p className="client-route-note">
            {sharded ? (
              <>
                Orders are sharded: through the app tier, the router sends each user's orders to that user's shard (see
                the Sharding tab); a node named here still gets them directly.
              </>
            ) : (
              <>
                Through the app tier, writes go to the endpoint:{' '}
                <strong data-testid="write-endpoint">{endpoint}</strong>.
              </>
            )}
          </p>
          <WriteResult />
        </form>
        <form
          className="client-card"
          aria-labelledby="read-heading"
          onSubmit={(e) => {
            e.preventDefault();
            void readOrders(toRoute(readTarget, servers));
          }}
        >
          <h3 id="read-heading">Read</h3>
          <div className="client-fields">
            <RouteSelect
              label="Read from"
              value={readTarget}
              onChange={setReadTarget}
              servers={servers}
              nodes={nodeNames}
            />
          </div>
          <button type="submit" className="primary-button">
            Read my orders
          </button>
          <ReadResult />
        </form>
      </div>
    </section>
  );
}

interface RouteSelectProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  servers: readonly string[];
  nodes: readonly string[];
}

function RouteSelect({ label, value, onChange, servers, nodes }: RouteSelectProps) {
  return (
    <label className="field">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <optgroup label="Through the app tier">
          <option value="">Load balancer</option>
          {servers.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </optgroup>
        <optgroup label="Straight to a node">
          <option value={CURRENT_PRIMARY}>Current primary</option>
          {nodes.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </optgroup>
      </select>
    </label>
  );
}

function useWaitingNote(): string {
  const paused = useLab((s) => s.driver.paused);
  return paused ? ' (the clock is paused: press Play or Step)' : '';
}

function WriteResult() {
  const write = useLab((s) => s.lastWrite);
  const waiting = useWaitingNote();
  return (
    <div role="status" aria-label="Write result" className="client-result" data-testid="write-result">
      {write && <WriteText write={write} waiting={waiting} />}
    </div>
  );
}

function WriteText({ write, waiting }: { write: WriteView; waiting: string }) {
  const to = describeRoute(write.route);
  const through = write.via ? `, through ${write.via}` : '';
  if (write.status === 'pending')
    return (
      <p className="muted">
        Placing an order for user {write.user} through {to}…{waiting}
      </p>
    );
  if (write.status === 'error') {
    return (
      <p className="error-text">
        The order failed on {write.node ?? to}
        {through}: <code>{write.error}</code>
      </p>
    );
  }
  return (
    <>
      <p>
        Order <strong data-testid="placed-order-id">#{write.orderId}</strong> for user {write.user} committed on{' '}
        {write.node}
        {/* A shard's write has no LSN in the lab's log: its own primary's WAL is not shipped anywhere. */}
        {write.lsn !== undefined && (
          <>
            {' '}
            at LSN <code>{formatLsnOrDash(write.lsn)}</code>
          </>
        )}
        {through}.
      </p>
      {write.message && (
        <p className="client-optimistic">
          The customer sees: <q>{write.message}</q>
        </p>
      )}
    </>
  );
}

function ReadResult() {
  const read = useLab((s) => s.lastRead);
  const waiting = useWaitingNote();
  return (
    <div role="status" aria-label="Read result" className="client-result" data-testid="read-result">
      {read && <ReadText read={read} waiting={waiting} />}
    </div>
  );
}

function ReadText({ read, waiting }: { read: ReadView; waiting: string }) {
  const verdict = useLab((s) => findRead(s.reads, read.op)?.verdict);
  const from = describeRoute(read.route);
  if (read.status === 'pending')
    return (
      <p className="muted">
        Reading user {read.user}'s orders through {from}…{waiting}
      </p>
    );
  return (
    <>
      {read.status === 'error' ? (
        <p className="error-text">
          The read failed on {read.node ?? from}: <code>{read.error}</code>
        </p>
      ) : (
        <p>
          <strong data-testid="read-node">{read.node}</strong> served user {read.user}'s orders:{' '}
          <span data-testid="read-order-ids">{formatIds(read.orderIds)}</span> (replayed up to LSN{' '}
          <code>{formatLsnOrDash(read.replayLsn)}</code>)
        </p>
      )}
      <RouteNote read={read} />
      {read.op !== undefined &&
        (verdict ? (
          <VerdictBadges verdict={verdict} withEvidence />
        ) : (
          <p className="muted">Checking this read against the history…</p>
        ))}
    </>
  );
}

/** Why the read went where it went: the app server's routing decision in plain words. */
function RouteNote({ read }: { read: ReadView }) {
  if (!read.via) {
    return read.node ? (
      <p className="client-route-note">Sent straight to {read.node}, bypassing the app servers.</p>
    ) : null;
  }
  const fellBack = read.routedTo !== undefined && read.node !== undefined && read.routedTo !== read.node;
  return (
    <p className="client-route-note" data-testid="read-route">
      {read.via}
      {read.route.via ? '' : ' (picked by the load balancer)'} routed it: {read.reason ?? 'no reason recorded'}
      {read.waitedMs ? `; waited ${formatMs(read.waitedMs)}` : ''}
      {fellBack ? `; ${read.routedTo} had not caught up in time, so ${read.node} served it` : ''}.
    </p>
  );
}
