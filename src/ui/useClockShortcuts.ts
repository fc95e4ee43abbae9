/**
 * Keyboard shortcuts for the clock: Space plays or pauses, Right arrow steps one event.
 * They stay out of the way of form controls and buttons, where those keys already mean
 * something (Space presses a button, Right arrow moves a select).
 */
import { useEffect } from 'react';
import { step, togglePlay } from './commands.ts';

const OWNS_KEYS = 'input, textarea, select, button, a[href], summary, [contenteditable]:not([contenteditable="false"])';

function ownsKeys(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(OWNS_KEYS) !== null;
}

export function useClockShortcuts(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || ownsKeys(e.target)) return;
      if (e.key === ' ' && !e.repeat) {
        e.preventDefault();
        togglePlay();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        void step();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
