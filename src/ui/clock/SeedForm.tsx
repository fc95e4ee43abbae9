/**
 * A seed field with its submit button and hint, as the run controls (Reset) and the
 * scenario panel (Start scenario) both use it: a bad seed is marked and explained, and
 * the button waits for a good one.
 */
import { useId } from 'react';
import { parseSeed } from '../../page/shareLink.ts';
import './clock.css';

export function SeedForm(props: {
  label: string;
  value: string;
  onChange: (text: string) => void;
  /** Called with the parsed seed. */
  onSubmit: (seed: number) => void;
  submitLabel: string;
  /** What submitting does, shown while the seed is valid. */
  hint: string;
  busy: boolean;
  primary?: boolean;
}) {
  const hintId = useId();
  const seed = parseSeed(props.value);
  const valid = seed !== undefined;
  return (
    <form
      className="inline-field"
      onSubmit={(e) => {
        e.preventDefault();
        if (seed !== undefined) props.onSubmit(seed);
      }}
    >
      <label className="inline-field">
        {props.label}
        <input
          className="clock-seed-input"
          inputMode="numeric"
          value={props.value}
          aria-invalid={!valid}
          aria-describedby={hintId}
          onChange={(e) => props.onChange(e.target.value)}
        />
      </label>
      <button type="submit" className={props.primary ? 'primary-button' : undefined} disabled={props.busy || !valid}>
        {props.submitLabel}
      </button>
      <span id={hintId} className="hint">
        {valid ? props.hint : 'A seed is a whole number (0 or more).'}
      </span>
    </form>
  );
}
