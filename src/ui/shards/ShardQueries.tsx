/**
 * Asking the sharded cluster: the key probe (a user id, a region or a category: the
 * shard, the route and why, sent as `probe`) and the scatter query (sent as
 * `scatterQuery`: each shard's latency and the merged answer, as slow as the slowest
 * shard). Both results are read back from the engine's snapshot (its newest probe and last
 * scatter), so a step back or a replay shows them too.
 */
import { useId, useState } from 'react';
import {
  CATEGORIES,
  REGIONS,
  type Region,
  SCATTER_QUERIES,
  type ScatterQueryName,
  type ShardingSnapshot,
} from '../../engine/index.ts';
import { sendCommand } from '../../page/commands.ts';
import { formatMs } from '../../page/format.ts';
import { SCATTER_TEXT } from './shardText.ts';

type KeyKind = 'user' | 'region' | 'category';
type Category = (typeof CATEGORIES)[number];

export function ProbeForm({ sharding }: { sharding: ShardingSnapshot }) {
  const [kind, setKind] = useState<KeyKind>('user');
  const [user, setUser] = useState('1001');
  const [region, setRegion] = useState<Region>(REGIONS[0]);
  const [category, setCategory] = useState<Category>(CATEGORIES[0]);
  const userValid = /^\d+$/.test(user.trim());
  const probe = sharding.probes.at(-1);
  const send = () => {
    if (kind === 'user' && userValid) void sendCommand({ do: 'probe', user: Number(user) }, { quiet: true });
    if (kind === 'region') void sendCommand({ do: 'probe', region }, { quiet: true });
    if (kind === 'category') void sendCommand({ do: 'probe', category }, { quiet: true });
  };
  return (
    <section className="shard-query" aria-labelledby="probe-heading">
      <h3 id="probe-heading">Key probe</h3>
      <form
        className="choice-row"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label className="field">
          Key
          <select value={kind} onChange={(e) => setKind(e.target.value as KeyKind)}>
            <option value="user">User id</option>
            <option value="region">Region</option>
            <option value="category">Category</option>
          </select>
        </label>
        {kind === 'user' && (
          <label className="field">
            User id
            <input
              className="ms-input"
              inputMode="numeric"
              value={user}
              aria-invalid={!userValid}
              onChange={(e) => setUser(e.target.value)}
            />
          </label>
        )}
        {kind === 'region' && (
          <label className="field">
            Region
            <select value={region} onChange={(e) => setRegion(e.target.value as Region)}>
              {REGIONS.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
        )}
        {kind === 'category' && (
          <label className="field">
            Category
            <select value={category} onChange={(e) => setCategory(e.target.value as Category)}>
              {CATEGORIES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="primary-button" disabled={kind === 'user' && !userValid}>
          Probe
        </button>
      </form>
      <div role="status" aria-label="Probe result" className="shard-result">
        {probe ? (
          <>
            <p>
              <strong data-testid="probe-key">{probe.key}</strong> →{' '}
              <strong data-testid="probe-shard">{probe.shard ?? 'every shard'}</strong>
              {probe.readShard && probe.readShard !== probe.shard ? ` (reads now from ${probe.readShard})` : ''}
              {probe.region ? ` · region ${probe.region}` : ''}
            </p>
            <p>
              <code data-testid="probe-route">{probe.route}</code>
            </p>
            <p className="muted">{probe.why}</p>
          </>
        ) : (
          <p className="muted">Type a user id, or pick a region or a category, and probe it.</p>
        )}
      </div>
    </section>
  );
}

export function ScatterForm({ sharding }: { sharding: ShardingSnapshot }) {
  const [query, setQuery] = useState<ScatterQueryName>('top-products');
  const describedBy = useId();
  const last = sharding.lastScatter;
  const slowest = last ? Math.max(...last.perShard.map((p) => p.latencyMs)) : 0;
  return (
    <section className="shard-query" aria-labelledby="scatter-heading">
      <h3 id="scatter-heading">Scatter query</h3>
      <form
        className="choice-row"
        onSubmit={(e) => {
          e.preventDefault();
          void sendCommand({ do: 'scatterQuery', query }, { quiet: true });
        }}
      >
        <label className="field">
          Query
          <select
            value={query}
            aria-describedby={describedBy}
            onChange={(e) => setQuery(e.target.value as ScatterQueryName)}
          >
            {SCATTER_QUERIES.map((q) => (
              <option key={q} value={q}>
                {SCATTER_TEXT[q].label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary-button">
          Run on every shard
        </button>
      </form>
      <p id={describedBy} className="choice-text">
        {SCATTER_TEXT[query].text}
      </p>
      <div role="status" aria-label="Scatter result" className="shard-result">
        {last?.error ? (
          <p className="error-text" data-testid="scatter-error">
            {SCATTER_TEXT[last.query].label} failed: {last.error}. A scatter query needs every shard: no partial answer.
          </p>
        ) : last ? (
          <>
            <p>
              {SCATTER_TEXT[last.query].label}: merged in{' '}
              <strong data-testid="scatter-latency">{formatMs(last.latencyMs)}</strong> (the slowest shard)
            </p>
            <ul className="plain-list shard-scatter-shards">
              {last.perShard.map((p) => (
                <li key={p.shard} className={p.latencyMs === slowest ? 'shard-slowest' : undefined}>
                  {p.shard}: {formatMs(p.latencyMs)}, {p.rows} rows
                </li>
              ))}
            </ul>
            <MergedRows rows={last.rows} />
          </>
        ) : (
          <p className="muted">Not run yet.</p>
        )}
      </div>
    </section>
  );
}

function MergedRows({ rows }: { rows: Record<string, unknown>[] }) {
  const columns = Object.keys(rows[0] ?? {});
  if (columns.length === 0) return <p className="muted">The merged answer has no rows.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table data-table-compact" aria-label="Merged answer">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 10).map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: merged rows have no id of their own; their order is the answer's
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{String(r[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
