/**
 * The landing screen's lessons: each with what it teaches, how long it takes and how far
 * the learner got (kept in this browser), as a link to its first step, or to the step they
 * were last on. `onOpen` lets the layout open a lesson its own way (the link's address is
 * still right for a new tab or a copied link).
 */
import type { ReactNode } from 'react';
import { LESSON_LIST, type Lesson } from '../../lessons/index.ts';
import { describeProgress, loadProgress, progressOf } from '../../page/lessonProgress.ts';
import { lessonHash } from '../../page/route.ts';
import './lesson.css';

export interface LessonListProps {
  onOpen?: (lessonId: string) => void;
  /** The lessons listed: the library's by default. */
  lessons?: readonly Lesson[];
  label?: string;
  /** More under a lesson's card (its file and a Remove button, for one's own). */
  extra?: (lesson: Lesson) => ReactNode;
}

export function LessonList({ onOpen, lessons = LESSON_LIST, label = 'Lessons', extra }: LessonListProps) {
  const book = loadProgress();
  return (
    <ol className="lesson-list" aria-label={label}>
      {lessons.map((lesson) => {
        const steps = lesson.chapters.flatMap((c) => c.steps);
        const asks = steps.filter((s) => s.predict).length;
        const progress = progressOf(book, lesson.id);
        const resume =
          progress.lastStep && steps.some((s) => s.id === progress.lastStep) ? progress.lastStep : undefined;
        return (
          <li key={lesson.id} className="lesson-card">
            <h3>
              <a
                href={lessonHash(lesson.id, resume)}
                onClick={(e) => {
                  if (!onOpen || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  onOpen(lesson.id);
                }}
              >
                {lesson.title}
              </a>
            </h3>
            <p className="lesson-card-summary">{lesson.summary}</p>
            <p className="lesson-card-meta muted">
              <span>{lesson.minutes} min</span> · <span>{steps.length} steps</span> ·{' '}
              <span data-testid={`lesson-progress-${lesson.id}`}>{describeProgress(progress, steps.length, asks)}</span>
            </p>
            {extra?.(lesson)}
          </li>
        );
      })}
    </ol>
  );
}
