/**
 * The lesson player (issue 10): the chapter and step, the step's narration (safe Markdown),
 * its question before it plays and the reveal after, its goal's status, hints one at a
 * time, and Back / Play step / Next (also Space, arrows and a clicker's Page Up/Down).
 * "Replay step" plays it again with the settings changed since, "Show me" with the
 * lesson's reference actions; the learner's paths (going back and doing something else
 * keeps the earlier path) can be switched between. The lesson runs in page/lessonRun.ts;
 * this only shows its state and calls its actions. `mode` is `normal`, `presenter` (large
 * type, no paths or links) or `embed` (compact; only the steps `fromStep`..`toStep`).
 */
import { useEffect, useRef } from 'react';
import type { LessonStep } from '../../lessons/types.ts';
import { stepUrl } from '../../page/lessonLinks.ts';
import { back, next, replayStep, showHint, showMe } from '../../page/lessonNav.ts';
import {
  attachPlayer,
  commitAnswer,
  isOpen,
  type LessonMode,
  type LessonRunState,
  openLesson,
  useLessonRun,
} from '../../page/lessonRun.ts';
import { useLab } from '../../page/store.ts';
import { LessonMarkdown } from './LessonMarkdown.tsx';
import { LessonPaths } from './LessonPaths.tsx';
import { PredictForm } from './PredictForm.tsx';
import { GoalBox, RevealBox } from './StepOutcome.tsx';
import { useLessonKeys } from './useLessonKeys.ts';
import './lesson.css';

export interface LessonPlayerProps {
  lessonId: string;
  stepId?: string;
  mode?: LessonMode;
  fromStep?: string;
  toStep?: string;
  challenge?: boolean;
}

export function LessonPlayer({ lessonId, stepId, mode = 'normal', fromStep, toStep, challenge }: LessonPlayerProps) {
  const running = useLab((s) => s.phase === 'running');
  const run = useLessonRun();
  const question = useRef<HTMLFieldSetElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => attachPlayer(), []);
  useEffect(() => {
    if (running && !isOpen(lessonId, stepId)) {
      void openLesson(lessonId, { stepId, challenge, mode, fromStep, toStep });
    }
  }, [running, lessonId, stepId, challenge, mode, fromStep, toStep]);

  const step: LessonStep | undefined = run.lesson?.id === lessonId ? run.steps[run.stepIndex] : undefined;
  const stepKey = step ? `${run.stepIndex}:${step.id}` : '';
  // A new step: its heading takes focus (screen readers announce it; Space goes on from there).
  useEffect(() => {
    if (stepKey && heading.current && !heading.current.contains(document.activeElement)) {
      const active = document.activeElement;
      if (!active || active === document.body || active.closest('.lesson-player')) {
        heading.current.focus({ preventScroll: true });
      }
    }
  }, [stepKey]);

  const goOn = async () => {
    if ((await next()) === 'asks') question.current?.querySelector('input')?.focus();
  };
  useLessonKeys(step !== undefined, (action) => void (action === 'next' ? goOn() : back()));

  if (run.error && (!step || !run.compiled) && !run.busy) {
    // Nothing to show yet: the lesson's cluster did not build (a boot timed out, say).
    return (
      <section className={`panel lesson-player lesson-${mode}`} aria-label="Lesson">
        <p role="alert">{run.error}</p>
        <button type="button" onClick={() => void openLesson(lessonId, { stepId, challenge, mode, fromStep, toStep })}>
          Try again
        </button>
      </section>
    );
  }
  if (!run.lesson || !step || !run.compiled) {
    return (
      <section className={`panel lesson-player lesson-${mode}`} aria-label="Lesson" aria-busy="true">
        <p role="status">{run.busy ?? 'Opening the lesson…'}</p>
      </section>
    );
  }
  const w = run.compiled.steps[run.stepIndex];
  const chapters = run.lesson.chapters.length;
  const asking = step.predict !== undefined && run.phase === 'ready' && run.answer === undefined;
  const questionFirst = asking && run.challenge;
  const busy = run.busy !== undefined;

  const predict = asking && step.predict && (
    <PredictForm
      key={stepKey}
      ref={question}
      predict={step.predict}
      disabled={busy}
      onCommit={(answer) => void commitAnswer(answer)}
    />
  );

  return (
    <section className={`panel lesson-player lesson-${mode}`} aria-label="Lesson" aria-busy={busy}>
      <header className="lesson-head">
        <p className="lesson-chapter">
          {run.lesson.title} · Chapter {w.chapter + 1} of {chapters}: {w.chapterTitle}
        </p>
        <h2 ref={heading} tabIndex={-1}>
          Step {run.stepIndex + 1} of {run.steps.length}: {step.title}
        </h2>
        {questionFirst && <p className="lesson-challenge">Challenge: answer before you read on.</p>}
      </header>
      {questionFirst && predict}
      <LessonMarkdown className="lesson-narration" text={step.narration} />
      {!questionFirst && predict}
      {run.answer !== undefined && run.phase !== 'played' && (
        <p className="muted">Your answer is in; the step plays and the engine will tell.</p>
      )}
      {run.reveal && <RevealBox reveal={run.reveal} />}
      {step.goal && <GoalBox goal={step.goal} result={run.goal} phase={run.phase} />}
      <Hints hints={step.hints ?? []} shown={run.hintsShown} />
      <StepNav run={run} step={step} asking={asking} onNext={goOn} />
      <p className="lesson-status" role="status">
        {run.busy ? `${run.busy}: replaying the run…` : phaseText(run)}
      </p>
      {run.error && (
        <p className="lesson-error" role="alert">
          {run.error}
        </p>
      )}
      {mode === 'normal' && <LessonPaths />}
      {mode === 'normal' && <StepLinks lessonId={run.lesson.id} step={step} />}
    </section>
  );
}

function phaseText(run: LessonRunState): string {
  if (run.phase === 'playing') return 'Playing the step…';
  if (run.phase === 'ready') return 'Paused at the start of the step.';
  return run.stepIndex >= run.last ? 'Lesson complete.' : 'Step played: Next goes on.';
}

function StepNav({
  run,
  step,
  asking,
  onNext,
}: {
  run: LessonRunState;
  step: LessonStep;
  asking: boolean;
  onNext: () => void;
}) {
  const busy = run.busy !== undefined;
  const playing = run.phase === 'playing';
  const atEnd = run.phase === 'played' && run.stepIndex >= run.last;
  return (
    <nav className="lesson-nav" aria-label="Lesson steps">
      <button type="button" onClick={() => void back()} disabled={busy || run.stepIndex <= run.first}>
        Back
      </button>
      {!asking && !atEnd && (
        <button type="button" className="primary-button" onClick={onNext} disabled={busy || playing}>
          {run.phase === 'ready' ? 'Play step' : 'Next'}
        </button>
      )}
      {run.phase !== 'ready' && (
        <button type="button" onClick={() => void replayStep()} disabled={busy || playing}>
          Replay step
        </button>
      )}
      {step.reference && step.reference.length > 0 && (
        <button type="button" onClick={() => void showMe()} disabled={busy || playing}>
          Show me
        </button>
      )}
    </nav>
  );
}

function Hints({ hints, shown }: { hints: readonly string[]; shown: number }) {
  if (hints.length === 0) return null;
  return (
    <section className="lesson-hints" aria-label="Hints">
      {shown > 0 && (
        <ol>
          {hints.slice(0, shown).map((h) => (
            <li key={h}>
              <LessonMarkdown text={h} />
            </li>
          ))}
        </ol>
      )}
      {shown < hints.length && (
        <button type="button" onClick={showHint}>
          Show a hint ({shown + 1} of {hints.length})
        </button>
      )}
    </section>
  );
}

function StepLinks({ lessonId, step }: { lessonId: string; step: LessonStep }) {
  const href = typeof window === 'undefined' ? 'http://localhost/' : window.location.href;
  return (
    <p className="lesson-links muted">
      <a href={stepUrl(href, lessonId, step.id)}>Link to this step</a>
      {step.predict && (
        <>
          {' · '}
          <a href={stepUrl(href, lessonId, step.id, true)}>Challenge link</a>
        </>
      )}
    </p>
  );
}
