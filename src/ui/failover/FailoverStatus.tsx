/**
 * The failover strip: what the failover manager is doing in plain words and the phase
 * under way, the primary and the endpoint clients write to (they differ during a
 * failover), fenced and partitioned nodes, a split-brain alert; then the phases of the
 * latest failover, every failover with its measured downtime, the orders a failover lost,
 * what rewound nodes threw away and what a rogue old primary took alone. Reads only.
 */

import { useId } from 'react';
import type { ClusterSnapshot, FailoverDowntime } from '../../engine/index.ts';
import { describeLost } from '../../page/failoverFeed.ts';
import { formatEngineTime, formatIds, formatMs } from '../../page/format.ts';
import { selectDowntimes, selectFailoverStory, selectLastFailedCheck } from '../../page/selectors.ts';
import { type PhaseView, useLab } from '../../page/store.ts';
import { describeMachineState, failingOver, PHASE_LABEL } from '../replication/replicationText.ts';
import { CheckedMark } from '../shared/CheckedMark.tsx';
import './failover.css';

type FailoverView = ClusterSnapshot['failover'];

export function FailoverStatus() {
  const failover = useLab((s) => s.tableSnapshot?.failover);
  const story = useLab(selectFailoverStory);
  if (!failover) return null;
  const latest = failover.failovers.at(-1);
  const phases = latest ? story.phases.filter((p) => p.at >= latest.detectedAt) : [];
  return (
    <section className="panel failover" aria-labelledby="failover-heading">
      <div className="panel-header">
        <h2 id="failover-heading">Failover status</h2>
        <p className="muted">
          Timeline {failover.timeline}
          {failover.failovers.length > 0 &&
            `, ${failover.failovers.length} ${failover.failovers.length === 1 ? 'failover' : 'failovers'} so far`}
        </p>
      </div>
      <CheckedMark behaviours={['promotion', 'sequence-jump', 'lost-orders', 'split-brain']} />
      {failover.splitBrain && <SplitBrain nodes={story.splitBrain?.nodes} />}
      <Strip failover={failover} phase={failingOver(failover.state) ? phases.at(-1) : undefined} />
      {phases.length > 0 && <Phases phases={phases} />}
      {failover.failovers.length > 0 && <Failovers />}
      <Lost />
      <Rewound />
      <Divergent divergent={failover.divergent} />
    </section>
  );
}

function SplitBrain({ nodes }: { nodes: string[] | undefined }) {
  return (
    <div role="alert" className="failover-alert">
      <strong>SPLIT BRAIN</strong>: {nodes ? nodes.join(' and ') : 'two nodes'} both accepted writes as primary, and
      their histories have diverged. Fencing (STONITH, a watchdog) before the promotion is the only safe answer.
    </div>
  );
}

function Strip({ failover, phase }: { failover: FailoverView; phase: PhaseView | undefined }) {
  const failures = useLab((s) => selectLastFailedCheck(s)?.failures ?? 0);
  const words = describeMachineState(failover.state, {
    primary: failover.primary,
    candidate: phase?.node,
    autoFailover: failover.auto,
    failures,
    retries: failover.healthCheck.retries,
    intervalMs: failover.healthCheck.intervalMs,
    timeoutMs: failover.healthCheck.timeoutMs,
  });
  const moving = failover.primary !== failover.endpoint;
  return (
    <dl className="failover-strip">
      <div className="failover-strip-wide">
        <dt>Failover manager</dt>
        <dd>
          <span role="status" aria-label="Failover manager" data-testid="failover-state">
            {words}
          </span>
        </dd>
      </div>
      <div>
        <dt>Phase</dt>
        <dd data-testid="failover-phase">
          {phase ? `${PHASE_LABEL[phase.phase]}${phase.node ? ` ${phase.node}` : ''}` : 'none under way'}
        </dd>
      </div>
      <div>
        <dt>Primary</dt>
        <dd data-testid="failover-primary">{failover.primary}</dd>
      </div>
      <div>
        <dt>Endpoint (writes go to)</dt>
        <dd data-testid="failover-endpoint" className={moving ? 'warning-text' : undefined}>
          {failover.endpoint}
          {moving && ' (moves last: writes fail until it does)'}
        </dd>
      </div>
      <div>
        <dt>Fenced</dt>
        <dd data-testid="failover-fenced">{failover.fenced.join(', ') || 'none'}</dd>
      </div>
      <div>
        <dt>Partitioned</dt>
        <dd data-testid="failover-partitioned">{failover.partitioned.join(', ') || 'none'}</dd>
      </div>
    </dl>
  );
}

function Phases({ phases }: { phases: PhaseView[] }) {
  return (
    <ol className="failover-phases" aria-label="Phases of the latest failover">
      {phases.map((p) => (
        <li
          key={`${p.at}-${p.phase}`}
          className={p.phase === 'no-candidate' || p.phase === 'failed' ? 'error-text' : undefined}
        >
          <span className="failover-phase-name">{PHASE_LABEL[p.phase]}</span>{' '}
          <span className="engine-time">{formatEngineTime(p.at)}</span> <span>{p.detail}</span>
        </li>
      ))}
    </ol>
  );
}

function at(ms: number | undefined): string {
  return ms === undefined ? '—' : formatEngineTime(ms);
}

function downtimeText(d: FailoverDowntime): string {
  if (d.downtimeMs === null) return 'not over yet';
  const how =
    d.measuredBy === 'writes'
      ? 'first failed write to the first that succeeded'
      : 'primary lost to endpoint moved (no write tried)';
  return `${formatMs(d.downtimeMs)} (${how})`;
}

/** Failovers listed (with no candidate, detection repeats every few seconds). */
const FAILOVERS_SHOWN = 10;

function Failovers() {
  const failovers = useLab((s) => s.tableSnapshot?.failover.failovers ?? []);
  const downtimes = useLab(selectDowntimes);
  const first = Math.max(0, failovers.length - FAILOVERS_SHOWN);
  return (
    <div className="table-scroll">
      {first > 0 && (
        <p className="muted choice-text">
          The last {FAILOVERS_SHOWN} of {failovers.length} failovers:
        </p>
      )}
      <table className="data-table failover-table" aria-label="Failovers">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Old primary</th>
            <th scope="col">Detected</th>
            <th scope="col">Promoted</th>
            <th scope="col">Endpoint moved</th>
            <th scope="col">Downtime</th>
          </tr>
        </thead>
        <tbody>
          {failovers.slice(first).map((f, k) => {
            const i = first + k;
            return (
              <tr key={`${f.detectedAt}-${f.oldPrimary}`}>
                <th scope="row">{i + 1}</th>
                <td>{f.oldPrimary}</td>
                <td className="num">{at(f.detectedAt)}</td>
                <td>{f.promoted ? `${f.promoted} at ${at(f.promotedAt)}` : '—'}</td>
                <td className="num">{at(f.endpointMovedAt)}</td>
                <td data-testid={`failover-${i + 1}-downtime`}>{downtimes[i] ? downtimeText(downtimes[i]) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Lost() {
  const lost = useLab((s) => selectFailoverStory(s).lost);
  const failovers = useLab((s) => s.tableSnapshot?.failover.failovers ?? []);
  const headingId = useId();
  if (lost.length === 0) return null;
  return (
    <div className="failover-callout failover-callout-error">
      <h3 id={headingId}>Lost orders</h3>
      <p className="choice-text">
        Acknowledged to the customer, then thrown away: the promoted replica never received them (async replication).
        Their ids may be handed out again, as the new primary's sequence never saw them either.
      </p>
      <ul className="plain-list" aria-labelledby={headingId}>
        {lost.map((o) => {
          const promoted = failovers.find((f) => f.promotedAt === o.at)?.promoted;
          return (
            <li key={`${o.at}-${o.orderId}`}>
              {capitalise(describeLost(o))}: {o.fromNode} acknowledged it
              {promoted ? `, ${promoted} was promoted without it` : ''}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Rewound() {
  const rewound = useLab((s) => selectFailoverStory(s).rewound);
  const headingId = useId();
  if (rewound.length === 0) return null;
  return (
    <div className="failover-callout">
      <h3 id={headingId}>Rewound nodes</h3>
      <ul className="plain-list" aria-labelledby={headingId}>
        {rewound.map((r) => (
          <li key={`${r.at}-${r.node}`}>
            {r.node} at {formatEngineTime(r.at)},{' '}
            {r.method === 'pg_rewind' ? 'pg_rewind' : 'a fresh copy of the primary'}:{' '}
            {r.orderIds.length > 0 ? `threw away ${formatIds(r.orderIds)}` : 'nothing to throw away'}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Divergent({ divergent }: { divergent: Record<string, number[]> }) {
  const headingId = useId();
  const entries = Object.entries(divergent).filter(([, ids]) => ids.length > 0);
  if (entries.length === 0) return null;
  return (
    <div className="failover-callout failover-callout-error">
      <h3 id={headingId}>Divergent orders</h3>
      <ul className="plain-list" aria-labelledby={headingId}>
        {entries.map(([node, ids]) => (
          <li key={node}>
            {node}, a primary nobody follows, accepted {formatIds(ids)}: no other node has them
          </li>
        ))}
      </ul>
    </div>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
