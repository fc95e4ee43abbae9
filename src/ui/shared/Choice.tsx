/**
 * A select whose chosen option's explanation is shown under it and is its accessible
 * description: the routing and replication panels' one-line "what this does" pattern.
 */
import { useId } from 'react';
import type { OptionText } from '../routing/routingText.ts';

export interface ChoiceProps<T extends string> {
  label: string;
  value: T;
  options: readonly T[];
  text: Record<T, OptionText>;
  onChange: (value: T) => void;
  /** Only the select, described by the caller's element with this id (which shows the explanation). */
  describedBy?: string;
}

/** A select whose chosen option's explanation is shown under it (and is its description). */
export function Choice<T extends string>({ label, value, options, text, onChange, describedBy }: ChoiceProps<T>) {
  const id = useId();
  const bare = describedBy !== undefined;
  const select = (
    <label className="field">
      {label}
      <select value={value} aria-describedby={describedBy ?? id} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {text[o].label}
          </option>
        ))}
      </select>
    </label>
  );
  if (bare) return select;
  return (
    <div className="choice">
      {select}
      <p id={id} className="choice-text">
        {text[value].text}
      </p>
    </div>
  );
}
