/**
 * The lesson's keys: Space, Right arrow and Page Down (a presentation clicker's "next")
 * go on, Left arrow and Page Up go back. They never take a key from what owns it: typing
 * in a field, arrows in a radio group or a tab list, Space on a button. Pure (the hook
 * describes the focused element as a `KeyTarget`), so the rules are tested without a DOM.
 */

export type LessonKeyAction = 'next' | 'back';

/**
 * What the focused element does with keys: `text` takes them all (inputs, selects, text
 * areas, editable text), `arrows` takes arrows and Space (radios, tabs, sliders, menus),
 * `button` takes Space and Enter, `other` none.
 */
export type KeyTarget = 'text' | 'arrows' | 'button' | 'other';

export interface KeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

const NEXT: Record<string, true> = { ' ': true, ArrowRight: true, PageDown: true };
const BACK: Record<string, true> = { ArrowLeft: true, PageUp: true };
/** Keys a clicker sends: no focused control uses them for anything else. */
const CLICKER: Record<string, true> = { PageDown: true, PageUp: true };

export function lessonKeyAction(press: KeyPress, target: KeyTarget): LessonKeyAction | undefined {
  if (press.altKey || press.ctrlKey || press.metaKey || press.shiftKey) return undefined;
  const action = NEXT[press.key] ? 'next' : BACK[press.key] ? 'back' : undefined;
  if (!action || target === 'text') return undefined;
  if (target === 'arrows' && !CLICKER[press.key]) return undefined;
  if (target === 'button' && press.key === ' ') return undefined;
  return action;
}

const TEXT =
  'input:not([type="radio"]):not([type="checkbox"]):not([type="button"]):not([type="submit"]), textarea, select, [contenteditable]:not([contenteditable="false"])';
const ARROWS =
  'input[type="radio"], input[type="checkbox"], [role="tab"], [role="tablist"], [role="radio"], [role="slider"], [role="menuitem"], [role="option"], [role="listbox"], [role="spinbutton"], [role="combobox"], [role="grid"], [role="tree"]';
const BUTTON = 'button, a[href], summary, input[type="button"], input[type="submit"], [role="button"]';

/** How the element with focus uses keys (see KeyTarget). */
export function keyTargetOf(target: EventTarget | null): KeyTarget {
  if (typeof Element === 'undefined' || !(target instanceof Element)) return 'other';
  if (target.closest(TEXT)) return 'text';
  if (target.closest(ARROWS)) return 'arrows';
  if (target.closest(BUTTON)) return 'button';
  return 'other';
}
