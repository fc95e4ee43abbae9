/**
 * Every read so far, as the consistency checker judged it: totals of each anomaly, how
 * many reads the primary served, read latency percentiles, and the latest reads (newest
 * first) with where routing sent them and why.
 */
import { useState } from 'react';
import { ANOMALIES } from '../../engine/index.ts';
import { formatCount, formatEngineTime, formatMs } from '../../page/format.ts';
import { RECENT_READS, type ReadRow, type ReadStats } from '../../page/readStats.ts';
import { useLab } from '../../page/store.ts';
import { ACTION_LABEL, ANOMALY_LABEL, ANOMALY_MEANING, evidenceOf } from '../narration/evidence.ts';
import { CheckedMark } from '../shared/CheckedMark.tsx';
import { VerdictBadges } from '../shared/VerdictBadges.tsx';
import './client.css';

export function ReadsPanel() {
  const stats = useLab((s) => s.reads);
  const [onlyAnomalies, setOnlyAnomalies] = useState(false);
  const rows = stats ? (onlyAnomalies ? stats.recentAnomalous : stats.recent) : [];
  return (
    <section className="panel" aria-labelledby="reads-heading">
      <div className="panel-header">
        <h2 id="reads-heading">Reads</h2>
        <p className="muted">
          The consistency checker compares every read with the writes acknowledged before it began.
        </p>
        <CheckedMark behaviours={['stale-read', 'apply-delay']} />
        <label className="inline-field">
          <input type="checkbox" checked={onlyAnomalies} onChange={(e) => setOnlyAnomalies(e.target.checked)} />
          Only reads with an anomaly
        </label>
      </div>
      {stats && stats.reads > 0 ? <Totals stats={stats} /> : <p className="muted">No reads yet.</p>}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table className="data-table reads-table" aria-label={`Latest ${RECENT_READS} reads, newest first`}>
            <thead>
              <tr>
                <th scope="col">Began</th>
                <th scope="col">Read</th>
                <th scope="col">Route</th>
                <th scope="col">Why</th>
                <th scope="col" className="num">
                  Latency
                </th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <ReadRowView key={row.verdict.op} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`;
}

function Totals({ stats }: { stats: ReadStats }) {
  return (
    <dl className="reads-totals" aria-label="Read totals">
      <div>
        <dt>Reads</dt>
        <dd data-testid="reads-total">
          {formatCount(stats.reads)}
          {stats.failed > 0 && <span className="muted"> ({formatCount(stats.failed)} failed)</span>}
        </dd>
      </div>
      {ANOMALIES.map((a) => (
        <div key={a} title={ANOMALY_MEANING[a]}>
          <dt>{ANOMALY_LABEL[a]}</dt>
          <dd data-testid={`reads-${a}`}>
            {formatCount(stats.anomalies[a])}{' '}
            <span className="muted">({percent(stats.anomalies[a], stats.okReads)})</span>
          </dd>
        </div>
      ))}
      <div>
        <dt>Served by the primary</dt>
        <dd data-testid="reads-primary-share">{percent(stats.servedByPrimary, stats.okReads)}</dd>
      </div>
      <div>
        <dt>Latency p50 / p99</dt>
        <dd data-testid="reads-latency">
          {stats.p50Ms === undefined ? '—' : formatMs(stats.p50Ms)} /{' '}
          {stats.p99Ms === undefined ? '—' : formatMs(stats.p99Ms)}
        </dd>
      </div>
    </dl>
  );
}

function ReadRowView({ row }: { row: ReadRow }) {
  const { verdict: v, route } = row;
  const fellBack = route && route.routedTo !== v.node;
  const evidence = evidenceOf(v);
  return (
    <tr>
      <td className="num">{formatEngineTime(v.at)}</td>
      <td className="nowrap">
        {ACTION_LABEL[v.action] ?? v.action}, user {v.user}
        {v.client === 'load' && <span className="muted"> (load)</span>}
      </td>
      <td className="nowrap">
        {v.via ? `${v.via} → ` : ''}
        {v.node}
      </td>
      <td className="why">
        {route?.reason ?? '—'}
        {route?.waitedMs ? `; waited ${formatMs(route.waitedMs)}` : ''}
        {fellBack ? `; ${route.routedTo} not caught up: fell back` : ''}
      </td>
      <td className="num">{formatMs(v.latencyMs)}</td>
      <td>
        <VerdictBadges verdict={v} withEvidence={false} />
        {!v.ok && v.error && <span className="error-text"> {v.error}</span>}
        {evidence.length > 0 && (
          <details className="reads-evidence-details">
            <summary>Evidence</summary>
            <ul>
              {evidence.map((e) => (
                <li key={e.anomaly}>
                  {ANOMALY_LABEL[e.anomaly]}: {e.text}
                </li>
              ))}
            </ul>
          </details>
        )}
      </td>
    </tr>
  );
}
