/**
 * The run's own controls, under the clock: the seed (shown, settable, and Reset starts a
 * fresh cluster with it) and the scrubber that steps back to any earlier engine time (a
 * replay of the run so far), with what the page is doing while it builds the new cluster.
 */
import { useEffect, useState } from 'react';
import { formatEngineTime } from '../../page/format.ts';
import { resetLab, rewindTo } from '../../page/session.ts';
import { useLab } from '../../page/store.ts';
import { SeedForm } from './SeedForm.tsx';
import './clock.css';

/** The scrubber moves in tenths of a second. */
const SCRUB_STEP_MS = 100;

export function RunControls() {
  const seed = useLab((s) => s.seed);
  const generation = useLab((s) => s.generation);
  const switching = useLab((s) => s.switching);
  // A scenario that is finishing owns the clock until its summary is ready.
  const finishing = useLab((s) => s.scenarioRun?.status === 'finishing');
  const nowMs = useLab((s) => s.snapshot?.nowMs ?? 0);
  const [seedDraft, setSeedDraft] = useState(String(seed));
  const [target, setTarget] = useState<number | null>(null);
  // A new cluster (reset, step back, scenario) brings its own seed and a fresh scrubber.
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation marks a new cluster
  useEffect(() => {
    setSeedDraft(String(seed));
    setTarget(null);
  }, [seed, generation]);

  const maxMs = Math.floor(nowMs / SCRUB_STEP_MS) * SCRUB_STEP_MS;
  const at = Math.min(target ?? maxMs, maxMs);
  const busy = switching !== undefined || finishing;

  return (
    <section className="clock-run-controls" aria-label="Run">
      <SeedForm
        label="Seed"
        value={seedDraft}
        onChange={setSeedDraft}
        onSubmit={(seed) => void resetLab(seed)}
        submitLabel="Reset"
        hint="Same seed, same clicks: the same run."
        busy={busy}
      />
      <form
        className="inline-field clock-scrubber"
        onSubmit={(e) => {
          e.preventDefault();
          void rewindTo(at);
        }}
      >
        <label className="inline-field">
          Step back to
          <input
            type="range"
            min={0}
            max={maxMs}
            step={SCRUB_STEP_MS}
            value={at}
            aria-valuetext={formatEngineTime(at)}
            onChange={(e) => setTarget(Number(e.target.value))}
            disabled={busy || maxMs === 0}
          />
        </label>
        <output>{formatEngineTime(at)}</output>
        <button type="submit" disabled={busy || at >= nowMs}>
          Go back
        </button>
      </form>
      <span role="status" aria-label="Cluster rebuild" className="inline-field">
        {busy && (
          <>
            <span className="spinner spinner-small" aria-hidden="true" /> {switching}…
          </>
        )}
      </span>
    </section>
  );
}
