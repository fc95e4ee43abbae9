/**
 * A labelled whole-number input that sends every valid value typed at once (as the lag
 * inputs do): while the learner types it shows their text, otherwise the value it was
 * given. Out-of-range or non-integer text is marked invalid and not sent.
 */
import { useState } from 'react';

export interface NumberFieldProps {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  /** Shown as the tooltip: what the number means, with its unit. */
  title?: string;
  onCommit: (value: number) => void;
}

export function isWholeNumberIn(text: string, min: number, max: number): boolean {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max;
}

export function NumberField({ label, value, min, max, step = 1, title, onCommit }: NumberFieldProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? String(value);
  return (
    <label className="field" title={title}>
      {label}
      <input
        type="number"
        className="ms-input"
        min={min}
        max={max}
        step={step}
        value={text}
        aria-invalid={!isWholeNumberIn(text, min, max)}
        onChange={(e) => {
          setDraft(e.target.value);
          if (isWholeNumberIn(e.target.value, min, max)) onCommit(Number(e.target.value));
        }}
        onBlur={() => setDraft(null)}
      />
    </label>
  );
}
