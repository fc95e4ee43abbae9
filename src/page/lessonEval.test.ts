/** The reveal's words: the learner's answer and the engine's, as the question puts them. */
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../lessons/types.ts';
import { actualText, answerText, type Reveal, revealHeadline } from './lessonEval.ts';

const share: Prediction = {
  question: 'What share of reads does the primary serve?',
  measure: 'primaryReadShare',
  choices: [
    { value: '<25', label: 'Under a quarter' },
    { value: '25..60', label: 'A quarter to 60%' },
    { value: '>60', label: 'More than 60%' },
  ],
};
const saw: Prediction = {
  question: 'Will the read see it?',
  measure: 'readSawOrder',
  choices: [
    { value: 'yes', label: 'Yes' },
    { value: 'no', label: 'No' },
  ],
};

describe('reveal words', () => {
  it('names the choice the computed value falls in, with the number when the choice is a range', () => {
    expect(actualText(share, 87)).toBe('87 (More than 60%)');
    expect(actualText(share, 40)).toBe('40 (A quarter to 60%)');
    expect(actualText(saw, 'no')).toBe('No');
    expect(actualText(saw, 'no read')).toBe('no read');
    expect(answerText(share, '>60')).toBe('More than 60%');
  });

  it('says right or not, and always the engine answer', () => {
    const base: Reveal = { actual: 'no', actualText: 'No', right: false, explanation: 'why' };
    expect(revealHeadline({ ...base, answer: 'no', answerText: 'No', right: true })).toBe(
      "Right: you said No. The engine's answer: No.",
    );
    expect(revealHeadline({ ...base, answer: 'yes', answerText: 'Yes' })).toBe(
      "Not quite: you said Yes. The engine's answer: No.",
    );
    expect(revealHeadline(base)).toBe("You did not commit an answer. The engine's answer: No.");
  });
});
