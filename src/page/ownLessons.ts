/**
 * Lessons of one's own: an instructor opens a lesson file (the format `npm run scenario --
 * <file> --check` checks) on the start page and plays it in the lab like a library lesson.
 * The file's text is kept in this browser's localStorage, so its links (`#lesson/<id>/<step>`)
 * and progress survive a reload; opening a newer version of the same file (same `id`)
 * replaces it. A file that does not validate is refused with the CLI's own messages and
 * changes nothing; a lesson whose id a library lesson has is refused (links would be
 * ambiguous). A storage that is full or forbidden keeps the lesson for this visit only.
 *
 * `addLessonText`, `readBook` and `withoutLesson` are pure apart from the storage they are
 * given; `useOwnLessons` is the page's state, read by the start page and the router.
 */
import { create } from 'zustand';
import { type Lesson, lessonById, parseLessonText } from '../lessons/index.ts';
import { MAX_SCENARIO_BYTES, ScenarioError, tooLarge } from '../scenarios/schema.ts';
import { browserStorage, type KeyValueStorage } from './browserStorage.ts';
import { describeError } from './format.ts';

export const OWN_LESSONS_KEY = 'replica-lab.own-lessons.v1';

/** One kept lesson: the file's text (parsed again on every load, so a format change is caught) and its name. */
export interface OwnLessonEntry {
  id: string;
  fileName: string;
  text: string;
}

export interface OwnLesson {
  lesson: Lesson;
  fileName: string;
}

/** The part of Storage used here (localStorage in the page; a Map-backed fake in tests). */
export type LessonStorage = KeyValueStorage;

export type AddResult =
  | { ok: true; lesson: Lesson; replaced: boolean; kept: boolean; book: OwnLessonEntry[] }
  | { ok: false; source: string; problems: string[] };

function isEntry(value: unknown): value is OwnLessonEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Partial<OwnLessonEntry>;
  return typeof e.id === 'string' && typeof e.fileName === 'string' && typeof e.text === 'string';
}

/** The kept entries; a missing, unreadable or malformed value reads as none. */
export function readBook(storage: LessonStorage | undefined = browserStorage()): OwnLessonEntry[] {
  try {
    const raw = storage?.getItem(OWN_LESSONS_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}

/** Writes the entries; false when the storage refused (full, forbidden or absent). */
export function writeBook(
  book: readonly OwnLessonEntry[],
  storage: LessonStorage | undefined = browserStorage(),
): boolean {
  if (!storage) return false;
  try {
    storage.setItem(OWN_LESSONS_KEY, JSON.stringify(book));
    return true;
  } catch {
    return false;
  }
}

/**
 * The kept lessons, each parsed again; an entry that no longer validates (an edited storage,
 * a format change) is left out and named in `dropped`, never thrown.
 */
export function lessonsOf(book: readonly OwnLessonEntry[]): { lessons: OwnLesson[]; dropped: OwnLessonEntry[] } {
  const lessons: OwnLesson[] = [];
  const dropped: OwnLessonEntry[] = [];
  for (const entry of book) {
    try {
      const lesson = parseLessonText(entry.text, entry.fileName);
      if (lesson.id === entry.id && !lessonById(lesson.id)) lessons.push({ lesson, fileName: entry.fileName });
      else dropped.push(entry);
    } catch {
      dropped.push(entry);
    }
  }
  return { lessons, dropped };
}

/**
 * Validates a lesson file's text and adds it to `book` (replacing the entry of the same id),
 * storing the result. Refused, with every problem named: text that is not a valid lesson,
 * a scenario file (it belongs in the Scenarios tab), or a library lesson's id.
 */
export function addLessonText(
  book: readonly OwnLessonEntry[],
  text: string,
  fileName: string,
  storage: LessonStorage | undefined = browserStorage(),
): AddResult {
  let lesson: Lesson;
  try {
    lesson = parseLessonText(text, fileName);
  } catch (err) {
    const problems = err instanceof ScenarioError ? err.problems : [describeError(err)];
    if (isScenarioText(text))
      problems.unshift(
        `${fileName} is a scenario (version 1), not a lesson (version 2): play it from the lab's Scenarios tab`,
      );
    return { ok: false, source: fileName, problems };
  }
  if (lessonById(lesson.id)) {
    return {
      ok: false,
      source: fileName,
      problems: [
        `field "id": the library already has a lesson "${lesson.id}"; give yours another id (a slug such as "${lesson.id}-mine")`,
      ],
    };
  }
  const replaced = book.some((e) => e.id === lesson.id);
  const next = [...book.filter((e) => e.id !== lesson.id), { id: lesson.id, fileName, text }];
  const kept = writeBook(next, storage);
  return { ok: true, lesson, replaced, kept, book: next };
}

/** The book without the lesson `id`, stored. */
export function withoutLesson(
  book: readonly OwnLessonEntry[],
  id: string,
  storage: LessonStorage | undefined = browserStorage(),
): OwnLessonEntry[] {
  const next = book.filter((e) => e.id !== id);
  writeBook(next, storage);
  return next;
}

/** Whether the text is a scenario file (version 1) rather than a lesson. */
function isScenarioText(text: string): boolean {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && (json as { version?: unknown }).version === 1;
  } catch {
    return false;
  }
}

/** What the start page shows after opening a file: the lesson added, or why not. */
export type OpenNotice =
  | { kind: 'added'; lessonId: string; title: string; replaced: boolean; kept: boolean }
  | { kind: 'refused'; source: string; problems: string[] };

interface OwnLessonsState {
  book: OwnLessonEntry[];
  lessons: OwnLesson[];
  /** Kept entries that no longer validate (left in storage until replaced). */
  dropped: OwnLessonEntry[];
  notice?: OpenNotice;
}

function load(): OwnLessonsState {
  const book = readBook();
  return { book, ...lessonsOf(book) };
}

export const useOwnLessons = create<OwnLessonsState>()(load);

/** A lesson by id: the library's, or one of this browser's own. */
export function findLesson(id: string): Lesson | undefined {
  return lessonById(id) ?? useOwnLessons.getState().lessons.find((l) => l.lesson.id === id)?.lesson;
}

/** Opens a lesson file picked on the start page: added (and kept), or refused with reasons. */
export async function openLessonFile(file: Pick<File, 'name' | 'size' | 'text'>): Promise<OpenNotice> {
  let notice: OpenNotice;
  if (file.size > MAX_SCENARIO_BYTES) {
    // Not even read: a bad file loses nothing.
    notice = { kind: 'refused', source: file.name, problems: [tooLarge(file.name, file.size)] };
  } else {
    const result = addLessonText(useOwnLessons.getState().book, await file.text(), file.name);
    if (result.ok) {
      const { id } = result.lesson;
      notice = {
        kind: 'added',
        lessonId: result.lesson.id,
        title: result.lesson.title,
        replaced: result.replaced,
        kept: result.kept,
      };
      // The others are parsed already: only the new lesson joins (or replaces its older version).
      useOwnLessons.setState((s) => ({
        book: result.book,
        lessons: [...s.lessons.filter((l) => l.lesson.id !== id), { lesson: result.lesson, fileName: file.name }],
        dropped: s.dropped.filter((e) => e.id !== id),
        notice,
      }));
      return notice;
    }
    notice = { kind: 'refused', source: result.source, problems: result.problems };
  }
  useOwnLessons.setState({ notice });
  return notice;
}

/** Forgets one of this browser's own lessons (its progress stays, should the file come back). */
export function removeOwnLesson(id: string): void {
  const book = withoutLesson(useOwnLessons.getState().book, id);
  useOwnLessons.setState((s) => ({
    book,
    lessons: s.lessons.filter((l) => l.lesson.id !== id),
    notice: undefined,
  }));
}
