/**
 * What the browser remembers of each lesson: the steps the learner finished, whether each
 * prediction they committed was right (the first answer counts, as in class), and the step
 * they were last on, kept in localStorage under one key. A storage that throws (private
 * mode, quota, a corrupt value) loses the progress, never the lesson. Pure apart from the
 * storage it is given.
 */

import { browserStorage, type KeyValueStorage } from './browserStorage.ts';

export const PROGRESS_KEY = 'replica-lab.lesson-progress.v1';

export interface LessonProgress {
  /** Step ids finished (played to their end), in the order first finished. */
  done: string[];
  /** Per step with a prediction: whether the learner's first committed answer was right. */
  predictions: Record<string, boolean>;
  /** The step the learner was last on, to come back to. */
  lastStep?: string;
}

export type ProgressBook = Record<string, LessonProgress>;

/** The part of Storage used here (localStorage in the page; a Map-backed fake in tests). */
export type ProgressStorage = KeyValueStorage;

const EMPTY: LessonProgress = { done: [], predictions: {} };

function isProgress(value: unknown): value is LessonProgress {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<LessonProgress>;
  return (
    Array.isArray(p.done) &&
    p.done.every((d) => typeof d === 'string') &&
    typeof p.predictions === 'object' &&
    p.predictions !== null &&
    Object.values(p.predictions).every((v) => typeof v === 'boolean') &&
    (p.lastStep === undefined || typeof p.lastStep === 'string')
  );
}

/** Every lesson's progress; a missing, unreadable or malformed value reads as none. */
export function loadProgress(storage: ProgressStorage | undefined = browserStorage()): ProgressBook {
  try {
    const raw = storage?.getItem(PROGRESS_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([, p]) => isProgress(p))) as ProgressBook;
  } catch {
    return {};
  }
}

export function progressOf(book: ProgressBook, lessonId: string): LessonProgress {
  return book[lessonId] ?? EMPTY;
}

/** The book with `stepId` finished in `lessonId` (and remembered as the last step). */
export function withStepDone(book: ProgressBook, lessonId: string, stepId: string): ProgressBook {
  const p = progressOf(book, lessonId);
  const done = p.done.includes(stepId) ? p.done : [...p.done, stepId];
  return { ...book, [lessonId]: { ...p, done, lastStep: stepId } };
}

/** The book with the first committed prediction of `stepId` recorded (later answers do not change it). */
export function withPrediction(book: ProgressBook, lessonId: string, stepId: string, right: boolean): ProgressBook {
  const p = progressOf(book, lessonId);
  if (stepId in p.predictions) return book;
  return { ...book, [lessonId]: { ...p, predictions: { ...p.predictions, [stepId]: right } } };
}

/** The book with the learner's current step remembered. */
export function withLastStep(book: ProgressBook, lessonId: string, stepId: string): ProgressBook {
  const p = progressOf(book, lessonId);
  return p.lastStep === stepId ? book : { ...book, [lessonId]: { ...p, lastStep: stepId } };
}

export function saveProgress(book: ProgressBook, storage: ProgressStorage | undefined = browserStorage()): void {
  try {
    storage?.setItem(PROGRESS_KEY, JSON.stringify(book));
  } catch {
    // Full or forbidden storage: the lesson goes on without remembering.
  }
}

/** "4 of 9 steps done · 2 of 3 predictions right" for a lesson of `steps` steps, `predictions` of them asking a question. */
export function describeProgress(p: LessonProgress, steps: number, predictions: number): string {
  if (p.done.length === 0 && Object.keys(p.predictions).length === 0) return 'Not started';
  const right = Object.values(p.predictions).filter(Boolean).length;
  const answered = Object.keys(p.predictions).length;
  const parts = [`${Math.min(p.done.length, steps)} of ${steps} steps done`];
  if (predictions > 0 && answered === 0) parts.push('no prediction answered yet');
  else if (predictions > 0) parts.push(`${right} of ${answered} prediction${answered === 1 ? '' : 's'} right`);
  return parts.join(' · ');
}
