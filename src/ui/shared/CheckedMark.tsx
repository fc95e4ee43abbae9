/**
 * The small "checked against PostgreSQL <version>" mark on behaviours the fidelity suite
 * (npm run fidelity, scripts/fidelity) proved on a real primary and streaming standby.
 * It reads fidelity.json, which the suite writes from a run (`-- --update`) and checks on
 * every run, so the page never claims a behaviour that disagreed. Renders nothing when
 * none of the given behaviours is checked.
 */
import fidelity from './fidelity.json';

interface Marks {
  postgres: string;
  behaviours: Record<string, { label: string; checks: string[] } | undefined>;
}

const MARKS = fidelity as Marks;

export function CheckedMark({ behaviours }: { behaviours: string[] }) {
  const checked = behaviours.flatMap((b) => {
    const mark = MARKS.behaviours[b];
    return mark ? [{ key: b, ...mark }] : [];
  });
  if (checked.length === 0) return null;
  return (
    <details className="checked-mark">
      <summary>
        <span aria-hidden="true">✓ </span>checked against PostgreSQL {MARKS.postgres}
      </summary>
      <p className="muted">
        <code>npm run fidelity</code> runs the same scenario on a real PostgreSQL {MARKS.postgres} primary and streaming
        standby and on the lab, and they agree that:
      </p>
      <ul>
        {checked.map((c) => (
          <li key={c.key}>{c.label}</li>
        ))}
      </ul>
    </details>
  );
}
