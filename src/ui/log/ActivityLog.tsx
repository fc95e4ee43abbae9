/** The last few things that happened on the page, newest first; errors stand out. */

import { formatEngineTime } from '../../page/format.ts';
import { useLab } from '../../page/store.ts';
import './log.css';

export function ActivityLog() {
  const activity = useLab((s) => s.activity);
  return (
    <section className="panel" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Activity</h2>
      {activity.length === 0 ? <p className="muted">Nothing yet: place an order, then read it back.</p> : null}
      <div role="log" aria-labelledby="activity-heading">
        <ol className="activity">
          {activity.map((a) => (
            <li key={a.id} className={a.kind === 'error' ? 'activity-error' : undefined}>
              <span className="engine-time">{formatEngineTime(a.at)}</span>
              {a.kind === 'error' && <span className="activity-tag">error</span>}
              <span>{a.text}</span>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
