/** The clock bar: engine time, play/pause, step back, step and speed. Sends driver commands only. */
import { SPEEDS } from '../../engine/index.ts';
import { STEP_BACK_MS, setSpeed, step, stepBack, togglePlay } from '../../page/clock.ts';
import { formatEngineTime } from '../../page/format.ts';
import { useLab } from '../../page/store.ts';
import { usePausedWhileHidden } from './useClockShortcuts.ts';
import './clock.css';

export function ClockControls() {
  const paused = useLab((s) => s.driver.paused);
  const speed = useLab((s) => s.driver.speed);
  // Only whether there is a second to rewind: the time itself (every frame) is EngineTime's.
  const atStart = useLab((s) => (s.snapshot?.nowMs ?? 0) === 0);
  const pausedWhileHidden = usePausedWhileHidden((s) => s.paused);
  const busy = useLab((s) => s.switching !== undefined || s.scenarioRun?.status === 'finishing');
  return (
    <section className="clock" aria-label="Engine clock">
      <span className="clock-time">
        <span className="clock-label">Engine time</span>
        <EngineTime />
      </span>
      <button type="button" className="primary-button" onClick={togglePlay} aria-keyshortcuts="Space" disabled={busy}>
        {paused ? 'Play' : 'Pause'}
      </button>
      <button
        type="button"
        onClick={() => void stepBack()}
        aria-keyshortcuts="ArrowLeft"
        disabled={busy || atStart}
        title={`Replays the run up to ${STEP_BACK_MS / 1000} s ago`}
      >
        Rewind 1 s
      </button>
      <button type="button" onClick={() => void step()} aria-keyshortcuts="ArrowRight" disabled={busy}>
        Step
      </button>
      <label className="inline-field">
        Speed
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <span className="hint" aria-hidden="true">
        <kbd>Space</kbd> play/pause · <kbd>←</kbd> back 1 s · <kbd>→</kbd> step · <kbd>+</kbd>/<kbd>-</kbd> speed
      </span>
      <span role="status" className={paused && pausedWhileHidden ? 'clock-hidden-tab-notice' : undefined}>
        {paused && pausedWhileHidden ? 'Paused while the tab was hidden' : ''}
      </span>
    </section>
  );
}

/** The engine time, redrawn with every snapshot (each frame while playing) on its own, not the whole bar. */
function EngineTime() {
  const nowMs = useLab((s) => s.snapshot?.nowMs ?? 0);
  return (
    <span role="timer" aria-label="Engine time" data-testid="engine-time">
      {formatEngineTime(nowMs)}
    </span>
  );
}
