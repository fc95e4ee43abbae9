/** The lesson's keys go on and back without taking a key from the control that owns it. */
import { describe, expect, it } from 'vitest';
import { type KeyPress, lessonKeyAction } from './lessonKeys.ts';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe('lessonKeyAction', () => {
  it('goes on with Space, Right arrow and Page Down, back with Left arrow and Page Up', () => {
    expect([' ', 'ArrowRight', 'PageDown'].map((k) => lessonKeyAction(press(k), 'other'))).toEqual([
      'next',
      'next',
      'next',
    ]);
    expect(['ArrowLeft', 'PageUp'].map((k) => lessonKeyAction(press(k), 'other'))).toEqual(['back', 'back']);
    expect(lessonKeyAction(press('Enter'), 'other')).toBeUndefined();
  });

  it('leaves every key to a text field (typing an answer never moves the lesson)', () => {
    for (const key of [' ', 'ArrowRight', 'ArrowLeft', 'PageDown', 'PageUp']) {
      expect(lessonKeyAction(press(key), 'text')).toBeUndefined();
    }
  });

  it('leaves arrows and Space to radios and tabs, but a clicker still works there', () => {
    expect(lessonKeyAction(press('ArrowRight'), 'arrows')).toBeUndefined();
    expect(lessonKeyAction(press('ArrowLeft'), 'arrows')).toBeUndefined();
    expect(lessonKeyAction(press(' '), 'arrows')).toBeUndefined();
    expect(lessonKeyAction(press('PageDown'), 'arrows')).toBe('next');
    expect(lessonKeyAction(press('PageUp'), 'arrows')).toBe('back');
  });

  it('leaves Space to a focused button (it presses it) but takes arrows there', () => {
    expect(lessonKeyAction(press(' '), 'button')).toBeUndefined();
    expect(lessonKeyAction(press('ArrowRight'), 'button')).toBe('next');
    expect(lessonKeyAction(press('ArrowLeft'), 'button')).toBe('back');
  });

  it('ignores keys with a modifier (browser shortcuts such as Alt+Left)', () => {
    expect(lessonKeyAction(press('ArrowLeft', { altKey: true }), 'other')).toBeUndefined();
    expect(lessonKeyAction(press(' ', { shiftKey: true }), 'other')).toBeUndefined();
    expect(lessonKeyAction(press('PageDown', { ctrlKey: true }), 'other')).toBeUndefined();
  });
});
