/**
 * The learner as a client of the shop: pick a user, place an order (on the primary, or on
 * a replica to see it refused) and read that user's orders back (round robin over the
 * replicas, as the seed's getReadDB does, or from one node). Shows each reply.
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { placeOrder, readOrders, setUser } from './commands.ts';
import { formatIds, formatLsnOrDash } from './format.ts';
import { type ReadView, USERS, useLab, type WriteView } from './store.ts';

const DEFAULT_TOTAL = '59.90';

export function ClientPanel() {
  const user = useLab((s) => s.user);
  const nodeNames = useLab(useShallow((s) => s.snapshot?.nodes.map((n) => n.name) ?? []));
  const [total, setTotal] = useState(DEFAULT_TOTAL);
  // '' means the default route: the current primary for writes, round robin for reads.
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
      <div className="cards">
        <form
          className="card"
          aria-labelledby="write-heading"
          onSubmit={(e) => {
            e.preventDefault();
            void placeOrder(Number(total), writeTarget || undefined);
          }}
        >
          <h3 id="write-heading">Write</h3>
          <div className="fields">
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
            <label className="field">
              Send to
              <select value={writeTarget} onChange={(e) => setWriteTarget(e.target.value)}>
                <option value="">Current primary</option>
                {nodeNames.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <button type="submit" className="primary-button">
            Place order
          </button>
          <WriteResult />
        </form>
        <form
          className="card"
          aria-labelledby="read-heading"
          onSubmit={(e) => {
            e.preventDefault();
            void readOrders(readTarget || undefined);
          }}
        >
          <h3 id="read-heading">Read</h3>
          <div className="fields">
            <label className="field">
              Read from
              <select value={readTarget} onChange={(e) => setReadTarget(e.target.value)}>
                <option value="">Round robin over replicas</option>
                {nodeNames.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
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

function useWaitingNote(): string {
  const paused = useLab((s) => s.driver.paused);
  return paused ? ' (the clock is paused: press Play or Step)' : '';
}

function WriteResult() {
  const write = useLab((s) => s.lastWrite);
  const waiting = useWaitingNote();
  return (
    <div role="status" aria-label="Write result" className="result" data-testid="write-result">
      {write && <WriteText write={write} waiting={waiting} />}
    </div>
  );
}

function WriteText({ write, waiting }: { write: WriteView; waiting: string }) {
  const to = write.target ?? 'the primary';
  if (write.status === 'pending')
    return (
      <p className="muted">
        Placing an order for user {write.user} on {to}…{waiting}
      </p>
    );
  if (write.status === 'error') {
    return (
      <p className="error-text">
        The order failed on {write.node ?? to}: <code>{write.error}</code>
      </p>
    );
  }
  return (
    <p>
      Order <strong data-testid="placed-order-id">#{write.orderId}</strong> for user {write.user} committed on{' '}
      {write.node} at LSN <code>{formatLsnOrDash(write.lsn)}</code>.
    </p>
  );
}

function ReadResult() {
  const read = useLab((s) => s.lastRead);
  const waiting = useWaitingNote();
  return (
    <div role="status" aria-label="Read result" className="result" data-testid="read-result">
      {read && <ReadText read={read} waiting={waiting} />}
    </div>
  );
}

function ReadText({ read, waiting }: { read: ReadView; waiting: string }) {
  const from = read.target ?? 'the next replica (round robin)';
  if (read.status === 'pending')
    return (
      <p className="muted">
        Reading user {read.user}'s orders from {from}…{waiting}
      </p>
    );
  if (read.status === 'error') {
    return (
      <p className="error-text">
        The read failed on {read.node ?? from}: <code>{read.error}</code>
      </p>
    );
  }
  return (
    <p>
      <strong data-testid="read-node">{read.node}</strong> served user {read.user}'s orders:{' '}
      <span data-testid="read-order-ids">{formatIds(read.orderIds)}</span> (replayed up to LSN{' '}
      <code>{formatLsnOrDash(read.replayLsn)}</code>)
      {read.missing.length > 0 && (
        <span className="warning-text">
          {' '}
          Stale read: {formatIds(read.missing)} {read.missing.length === 1 ? 'is' : 'are'} committed on the primary but
          not replayed here yet.
        </span>
      )}
    </p>
  );
}
