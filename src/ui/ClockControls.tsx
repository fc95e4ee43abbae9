/** The clock bar: engine time, play/pause, step and speed. Sends driver commands only. */
import { SPEEDS } from '../engine/clockDriver.ts';
import { setSpeed, step, togglePlay } from './commands.ts';
import { formatEngineTime } from './format.ts';
import { useLab } from './store.ts';
import { usePausedWhileHidden } from './useClockShortcuts.ts';
import './console.css';

export function ClockControls() {
  const paused = useLab((s) => s.driver.paused);
  const speed = useLab((s) => s.driver.speed);
  const nowMs = useLab((s) => s.snapshot?.nowMs ?? 0);
  const pausedWhileHidden = usePausedWhileHidden((s) => s.paused);
  return (
    <section className="clock" aria-label="Engine clock">
      <span className="clock-time">
        <span className="clock-label">Engine time</span>
        <span role="timer" aria-label="Engine time" data-testid="engine-time">
          {formatEngineTime(nowMs)}
        </span>
      </span>
      <button type="button" className="primary-button" onClick={togglePlay} aria-keyshortcuts="Space">
        {paused ? 'Play' : 'Pause'}
      </button>
      <button type="button" onClick={() => void step()} aria-keyshortcuts="ArrowRight">
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
        <kbd>Space</kbd> play/pause · <kbd>→</kbd> step · <kbd>+</kbd>/<kbd>-</kbd> speed
      </span>
      <span role="status" className={paused && pausedWhileHidden ? 'hidden-tab-notice' : undefined}>
        {paused && pausedWhileHidden ? 'Paused while the tab was hidden' : ''}
      </span>
    </section>
  );
}
