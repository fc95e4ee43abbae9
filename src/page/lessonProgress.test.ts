/** Lesson progress in the browser: recorded, first answers kept, and a broken storage never fatal. */
import { describe, expect, it } from 'vitest';
import {
  describeProgress,
  loadProgress,
  PROGRESS_KEY,
  type ProgressStorage,
  progressOf,
  saveProgress,
  withLastStep,
  withPrediction,
  withStepDone,
} from './lessonProgress.ts';

function memory(initial?: string): ProgressStorage & { data: Map<string, string> } {
  const data = new Map<string, string>(initial === undefined ? [] : [[PROGRESS_KEY, initial]]);
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('lesson progress', () => {
  it('records steps done once, the last step, and survives a save and a load', () => {
    let book = withStepDone({}, 'stale-read', 'place');
    book = withStepDone(book, 'stale-read', 'read');
    book = withStepDone(book, 'stale-read', 'place');
    book = withLastStep(book, 'stale-read', 'read');
    const storage = memory();
    saveProgress(book, storage);
    const loaded = progressOf(loadProgress(storage), 'stale-read');
    expect(loaded.done).toEqual(['place', 'read']);
    expect(loaded.lastStep).toBe('read');
    expect(progressOf(loadProgress(storage), 'failover').done).toEqual([]);
  });

  it('keeps the first committed answer of a prediction (answering again does not rewrite it)', () => {
    let book = withPrediction({}, 'l', 'q1', false);
    book = withPrediction(book, 'l', 'q1', true);
    book = withPrediction(book, 'l', 'q2', true);
    expect(progressOf(book, 'l').predictions).toEqual({ q1: false, q2: true });
    expect(describeProgress(progressOf(withStepDone(book, 'l', 'q1'), 'l'), 5, 3)).toBe(
      '1 of 5 steps done · 1 of 2 predictions right',
    );
  });

  it('says how far a learner got in words', () => {
    expect(describeProgress({ done: [], predictions: {} }, 4, 1)).toBe('Not started');
    expect(describeProgress({ done: ['a'], predictions: {} }, 4, 1)).toBe(
      '1 of 4 steps done · no prediction answered yet',
    );
    expect(describeProgress({ done: ['a', 'b'], predictions: {} }, 4, 0)).toBe('2 of 4 steps done');
  });

  it('reads corrupt or foreign values as no progress, and a throwing storage loses nothing else', () => {
    expect(loadProgress(memory('{not json'))).toEqual({});
    expect(loadProgress(memory('[1,2]'))).toEqual({});
    const mixed = loadProgress(memory(JSON.stringify({ ok: { done: ['a'], predictions: {} }, bad: { done: 'a' } })));
    expect(Object.keys(mixed)).toEqual(['ok']);
    const throwing: ProgressStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(loadProgress(throwing)).toEqual({});
    expect(() => saveProgress(withStepDone({}, 'l', 'a'), throwing)).not.toThrow();
  });
});
