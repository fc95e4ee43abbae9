/**
 * What a step came to: the reveal (right or not, the engine's answer and why, all computed
 * by the lesson engine from the run's history) and the goal's status (met or not yet, the
 * numbers and why), checked again while the step plays. The headlines are a polite live
 * region, so a screen reader hears the verdict once, not every refresh of the numbers.
 */
import type { Goal, GoalResult } from '../../lessons/types.ts';
import { type Reveal, revealHeadline } from '../../page/lessonEval.ts';
import type { StepPhase } from '../../page/lessonRun.ts';

export function RevealBox({ reveal }: { reveal: Reveal }) {
  const tone = reveal.answer === undefined ? 'info' : reveal.right ? 'ok' : 'miss';
  return (
    <section className={`lesson-reveal lesson-${tone}`} aria-label="Reveal">
      <p role="status" className="lesson-verdict" data-testid="lesson-reveal">
        {revealHeadline(reveal)}
      </p>
      <p className="lesson-why">{reveal.explanation}</p>
    </section>
  );
}

export function GoalBox({ goal, result, phase }: { goal: Goal; result?: GoalResult; phase: StepPhase }) {
  const verdict = !result
    ? 'Not checked yet: play the step.'
    : result.met
      ? 'Goal met.'
      : phase === 'played'
        ? 'Not yet: change a setting and replay the step.'
        : 'Not yet.';
  const tone = result?.met ? 'ok' : result && phase === 'played' ? 'miss' : 'info';
  return (
    <section className={`lesson-goal lesson-${tone}`} aria-label="Goal">
      <p className="lesson-goal-text">
        <strong>Goal:</strong> {goal.text}
      </p>
      <p role="status" className="lesson-verdict" data-testid="lesson-goal-status">
        {verdict}
      </p>
      {result && (
        <p className="lesson-why">
          <span data-testid="lesson-goal-detail">{result.detail}</span>. {result.why}
        </p>
      )}
    </section>
  );
}
