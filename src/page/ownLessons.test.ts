/**
 * One's own lessons, kept in a Map-backed storage: a valid file is added and read back, the
 * same id replaces it, and a bad file, a scenario, a library lesson's id or a full storage
 * are each explained without losing what was kept. The file used is the README's example
 * lesson, so the README's example is also checked to be a lesson the page accepts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addLessonText,
  type LessonStorage,
  lessonsOf,
  OWN_LESSONS_KEY,
  readBook,
  withoutLesson,
} from './ownLessons.ts';

const EXAMPLE = readFileSync(new URL('../../e2e/fixtures/my-stale-read.lesson.json', import.meta.url), 'utf8');

function memoryStorage(): LessonStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

describe('own lessons', () => {
  it("the README's example lesson is this fixture", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const after = readme.slice(readme.indexOf('A complete small lesson:'));
    const block = /```json\n([\s\S]*?)```/.exec(after)?.[1];
    expect(JSON.parse(block ?? 'null')).toEqual(JSON.parse(EXAMPLE));
  });

  it('adds a valid file, keeps it in storage and reads it back parsed; the same id replaces it', () => {
    const storage = memoryStorage();
    const added = addLessonText([], EXAMPLE, 'my-stale-read.json', storage);
    expect(added).toMatchObject({ ok: true, replaced: false, kept: true });
    if (!added.ok) return;
    expect(added.lesson.id).toBe('my-stale-read');
    const book = readBook(storage);
    expect(book.map((e) => [e.id, e.fileName])).toEqual([['my-stale-read', 'my-stale-read.json']]);
    const { lessons, dropped } = lessonsOf(book);
    expect(dropped).toEqual([]);
    expect(lessons[0].lesson.chapters[0].steps.map((s) => s.id)).toEqual(['place', 'read', 'fix']);

    const edited = EXAMPLE.replace('"The stale read"', '"The stale read, take 2"');
    const again = addLessonText(book, edited, 'v2.json', storage);
    expect(again).toMatchObject({ ok: true, replaced: true, kept: true });
    const after = lessonsOf(readBook(storage)).lessons;
    expect(after.map((o) => [o.lesson.title, o.fileName])).toEqual([['The stale read, take 2', 'v2.json']]);

    expect(withoutLesson(readBook(storage), 'my-stale-read', storage)).toEqual([]);
    expect(readBook(storage)).toEqual([]);
  });

  it('refuses a bad file with the validator messages and leaves what was kept untouched', () => {
    const storage = memoryStorage();
    const first = addLessonText([], EXAMPLE, 'mine.json', storage);
    if (!first.ok) throw new Error(first.problems.join('\n'));
    const book = first.book;
    const before = storage.items.get(OWN_LESSONS_KEY);

    const typo = addLessonText(book, EXAMPLE.replace('"readOrders"', '"readOrdrs"'), 'typo.json', storage);
    expect(typo.ok).toBe(false);
    if (typo.ok) return;
    expect(typo.problems.join('\n')).toMatch(/unknown action "do": "readOrdrs" \(did you mean "readOrders"\?\)/);

    const notJson = addLessonText(book, '{"version": 2,', 'cut.json', storage);
    expect(notJson).toMatchObject({ ok: false, source: 'cut.json' });
    expect(!notJson.ok && notJson.problems[0]).toMatch(/^cut\.json is not valid JSON/);

    const scenario = addLessonText(book, '{"version": 1, "name": "s", "steps": []}', 'run.json', storage);
    expect(!scenario.ok && scenario.problems[0]).toBe(
      "run.json is a scenario (version 1), not a lesson (version 2): play it from the lab's Scenarios tab",
    );

    const library = addLessonText(book, EXAMPLE.replace('"my-stale-read"', '"stale-read"'), 'copy.json', storage);
    expect(!library.ok && library.problems).toEqual([
      'field "id": the library already has a lesson "stale-read"; give yours another id (a slug such as "stale-read-mine")',
    ]);

    expect(storage.items.get(OWN_LESSONS_KEY)).toBe(before);
  });

  it('a storage that refuses still adds the lesson for this visit, and unreadable storage reads as none', () => {
    const full: LessonStorage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
    };
    expect(addLessonText([], EXAMPLE, 'mine.json', full)).toMatchObject({ ok: true, kept: false });

    const garbage = memoryStorage();
    garbage.items.set(OWN_LESSONS_KEY, '{not json');
    expect(readBook(garbage)).toEqual([]);
    garbage.items.set(OWN_LESSONS_KEY, JSON.stringify([{ id: 'x' }, 7]));
    expect(readBook(garbage)).toEqual([]);
  });

  it('a kept entry that no longer validates is left out and named, never thrown', () => {
    const entries = [
      { id: 'my-stale-read', fileName: 'ok.json', text: EXAMPLE },
      { id: 'broken', fileName: 'broken.json', text: '{"version": 2}' },
      { id: 'stale-read', fileName: 'shadow.json', text: EXAMPLE.replace('"my-stale-read"', '"stale-read"') },
    ];
    const { lessons, dropped } = lessonsOf(entries);
    expect(lessons.map((o) => o.fileName)).toEqual(['ok.json']);
    expect(dropped.map((e) => e.fileName)).toEqual(['broken.json', 'shadow.json']);
  });
});
