/**
 * The consistency checker's verdict on one read as badges (Stale, Read-your-writes
 * violation, Monotonic-read violation, or No anomaly), each with its evidence in plain
 * words when asked for.
 */
import type { ReadVerdict } from '../../engine/index.ts';
import { ANOMALY_LABEL, ANOMALY_MEANING, evidenceOf } from '../narration/evidence.ts';

export function VerdictBadges({ verdict, withEvidence }: { verdict: ReadVerdict; withEvidence: boolean }) {
  if (!verdict.ok) return <span className="badge badge-failed">Failed</span>;
  if (verdict.anomalies.length === 0) {
    return (
      <span className="badge badge-consistent" title="It saw every write acknowledged before it began">
        No anomaly
      </span>
    );
  }
  return (
    <ul className="verdict" aria-label="Anomalies">
      {evidenceOf(verdict).map((e) => (
        <li key={e.anomaly}>
          <span className={`badge badge-${e.anomaly}`} title={withEvidence ? ANOMALY_MEANING[e.anomaly] : e.text}>
            {ANOMALY_LABEL[e.anomaly]}
          </span>
          {withEvidence && (
            <span className="verdict-evidence">
              <span className="visually-hidden">: </span>
              {e.text}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
