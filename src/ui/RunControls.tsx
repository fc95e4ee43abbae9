/**
 * The run's own controls, under the clock: the seed (shown, settable, and Reset starts a
 * fresh cluster with it) and the scrubber that steps back to any earlier engine time (a
 * replay of the run so far), with what the page is doing while it builds the new cluster.
 */
import { useEffect, useId, useState } from 'react';
import { formatEngineTime } from './format.ts';
import { resetLab, rewindTo } from './labSession.ts';
import { useLab } from './store.ts';

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
  const seedHelpId = useId();
  // A new cluster (reset, step back, scenario) brings its own seed and a fresh scrubber.
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation marks a new cluster
  useEffect(() => {
    setSeedDraft(String(seed));
    setTarget(null);
  }, [seed, generation]);

  const maxMs = Math.floor(nowMs / SCRUB_STEP_MS) * SCRUB_STEP_MS;
  const at = Math.min(target ?? maxMs, maxMs);
  const seedValid = /^\d+$/.test(seedDraft.trim());
  const busy = switching !== undefined || finishing;

  return (
    <section className="run-controls" aria-label="Run">
      <form
        className="inline-field"
        onSubmit={(e) => {
          e.preventDefault();
          if (seedValid) void resetLab(Number(seedDraft));
        }}
      >
        <label className="inline-field">
          Seed
          <input
            className="seed-input"
            inputMode="numeric"
            value={seedDraft}
            aria-invalid={!seedValid}
            aria-describedby={seedHelpId}
            onChange={(e) => setSeedDraft(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy || !seedValid}>
          Reset
        </button>
        <span id={seedHelpId} className="hint">
          {seedValid ? 'Same seed, same clicks: the same run.' : 'A seed is a whole number (0 or more).'}
        </span>
      </form>
      <form
        className="inline-field scrubber"
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
      <span role="status" aria-label="Cluster rebuild" className="switching">
        {busy && (
          <>
            <span className="spinner small" aria-hidden="true" /> {switching}…
          </>
        )}
      </span>
    </section>
  );
}
