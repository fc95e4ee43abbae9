/**
 * Availability arithmetic: nines to downtime a year (the seed: 99.5 % = 43.8 h, 99.99 % =
 * 52.6 min), and the availability this run's measured failover downtime gives at a
 * failure rate. Pure maths from the engine's availability.ts; reads the measured downtimes.
 */

import { useId, useState } from 'react';
import { availabilityFrom, downtimePerYearMs, formatDuration } from '../../engine/index.ts';
import { formatMs } from '../../page/format.ts';
import { selectDowntimes } from '../../page/selectors.ts';
import { useLab } from '../../page/store.ts';
import './failover.css';

const DEFAULT_NINES = '99.99';
const DEFAULT_FAILURES_PER_YEAR = '12';

function percentIn(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 100 ? n / 100 : undefined;
}

function countIn(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 100_000 ? n : undefined;
}

/** 0.9999737 -> "99.9974 %": enough digits to see the nines. */
function formatAvailability(fraction: number): string {
  return `${(Math.floor(fraction * 1e6) / 1e4).toFixed(4)} %`;
}

export function AvailabilityPanel() {
  const [nines, setNines] = useState(DEFAULT_NINES);
  const [failures, setFailures] = useState(DEFAULT_FAILURES_PER_YEAR);
  const downtimes = useLab(selectDowntimes);
  const ninesId = useId();
  const runId = useId();
  const availability = percentIn(nines);
  const perYear = countIn(failures);
  const measured = downtimes.flatMap((d) => (d.downtimeMs === null ? [] : [d.downtimeMs]));
  const meanMs = measured.length > 0 ? measured.reduce((a, b) => a + b, 0) / measured.length : undefined;
  return (
    <section className="panel" aria-labelledby="availability-heading">
      <h2 id="availability-heading">Availability</h2>
      <p className="muted intro">
        The seed: 99.5 % (43.8 h down a year) with one server, 99.99 % (52.6 min) as the goal.
      </p>
      <div className="choice">
        <label className="field">
          Availability (%)
          <input
            type="number"
            className="ms-input"
            min={0}
            max={100}
            step="any"
            value={nines}
            aria-invalid={availability === undefined}
            aria-describedby={ninesId}
            onChange={(e) => setNines(e.target.value)}
          />
        </label>
        <output id={ninesId} aria-live="polite" data-testid="downtime-per-year">
          {availability === undefined
            ? 'Type a percentage from 0 to 100.'
            : `${formatDuration(downtimePerYearMs(availability))} down a year`}
        </output>
      </div>
      <h3 className="availability-subheading">From this run</h3>
      <div className="choice">
        <p className="choice-text" data-testid="measured-downtime">
          {meanMs === undefined
            ? 'No failover measured yet: kill the primary and let it fail over.'
            : `Measured failover downtime: ${formatMs(meanMs)}${measured.length > 1 ? ` (mean of ${measured.length} failovers)` : ''}`}
        </p>
        <label className="field">
          Failures per year
          <input
            type="number"
            className="ms-input"
            min={0}
            step={1}
            value={failures}
            aria-invalid={perYear === undefined}
            aria-describedby={runId}
            onChange={(e) => setFailures(e.target.value)}
          />
        </label>
        <output id={runId} aria-live="polite" data-testid="run-availability">
          {meanMs === undefined || perYear === undefined
            ? '—'
            : `${formatAvailability(availabilityFrom(meanMs, perYear))} available (${formatDuration(meanMs * perYear)} down a year)`}
        </output>
      </div>
    </section>
  );
}
