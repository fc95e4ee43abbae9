/**
 * Predict, then reveal: the step's question before it plays, as a radio group (a choice)
 * or a number field, and one button that commits the answer and plays the step. Plain
 * form controls, so the keyboard works as everywhere (arrows move between choices, Enter
 * commits); the lesson's own keys leave them alone.
 */
import { type FormEvent, forwardRef, useId, useState } from 'react';
import type { Prediction } from '../../lessons/types.ts';

export interface PredictFormProps {
  predict: Prediction;
  onCommit: (answer: string | number) => void;
  disabled?: boolean;
}

/** The question; its first control takes focus when the learner presses Next without answering. */
export const PredictForm = forwardRef<HTMLFieldSetElement, PredictFormProps>(function PredictForm(
  { predict, onCommit, disabled },
  ref,
) {
  const name = useId();
  const [choice, setChoice] = useState<string | null>(null);
  const [number, setNumber] = useState('');
  const numeric = predict.answer === 'number';
  const value = numeric ? (number.trim() === '' || !Number.isFinite(Number(number)) ? null : Number(number)) : choice;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value !== null && !disabled) onCommit(value);
  };
  return (
    <form className="lesson-predict" onSubmit={submit}>
      <fieldset ref={ref} tabIndex={-1}>
        <legend>{predict.question}</legend>
        {numeric ? (
          <label className="lesson-number">
            Your answer
            <input
              type="number"
              inputMode="decimal"
              value={number}
              onChange={(e) => setNumber(e.target.value)}
              aria-invalid={number.trim() !== '' && value === null}
            />
          </label>
        ) : (
          <div className="lesson-choices">
            {predict.choices?.map((c) => (
              <label key={c.value} className="lesson-choice">
                <input
                  type="radio"
                  name={name}
                  value={c.value}
                  checked={choice === c.value}
                  onChange={() => setChoice(c.value)}
                />
                {c.label}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <button type="submit" className="primary-button" disabled={value === null || disabled}>
        Commit answer and play
      </button>
    </form>
  );
});
