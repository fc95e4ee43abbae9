/**
 * Keyboard shortcuts for the clock: Space plays or pauses, Right arrow steps one event,
 * Left arrow steps a second back,
 * `+` (or `=`) plays faster and `-` slower. They stay out of the way of form controls and
 * buttons, where those keys already mean something (Space presses a button, Right arrow
 * moves a select, `+` is text in a textarea). Also pauses the clock when the tab is hidden
 * (and says so); it does not resume by itself.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import { faster, pause, slower, step, stepBack, togglePlay } from '../../page/clock.ts';
import { useLab } from '../../page/store.ts';

const OWNS_KEYS = 'input, textarea, select, button, a[href], summary, [contenteditable]:not([contenteditable="false"])';

function ownsKeys(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(OWNS_KEYS) !== null;
}

/** Set when hiding the tab paused the clock; cleared when it plays again. */
export const usePausedWhileHidden = create<{ paused: boolean }>()(() => ({ paused: false }));

export function useClockShortcuts(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || ownsKeys(e.target)) return;
      // `+` takes Shift on most layouts; Space and Right arrow do not.
      if (e.key === '+' || e.key === '=') {
        e.preventDefault();
        faster();
      } else if (e.key === '-') {
        e.preventDefault();
        slower();
      } else if (e.shiftKey) {
        return;
      } else if (e.key === ' ' && !e.repeat) {
        e.preventDefault();
        togglePlay();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        void step();
      } else if (e.key === 'ArrowLeft' && !e.repeat) {
        e.preventDefault();
        void stepBack();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);

  useEffect(() => {
    if (!enabled) return;
    const onVisibility = () => {
      if (document.visibilityState !== 'hidden' || useLab.getState().driver.paused) return;
      pause();
      usePausedWhileHidden.setState({ paused: true });
    };
    const offPlay = useLab.subscribe((s) => {
      if (!s.driver.paused && usePausedWhileHidden.getState().paused) usePausedWhileHidden.setState({ paused: false });
    });
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      offPlay();
    };
  }, [enabled]);
}
