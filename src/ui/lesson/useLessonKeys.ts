/**
 * The lesson's keys on the whole page while a player is mounted (see lessonKeys.ts). It
 * listens in the capture phase and marks the keys it uses as handled, so the clock's own
 * shortcuts (Space plays, arrows step) stand aside during a lesson.
 */
import { useEffect, useRef } from 'react';
import { keyTargetOf, type LessonKeyAction, lessonKeyAction } from './lessonKeys.ts';

export function useLessonKeys(enabled: boolean, onAction: (action: LessonKeyAction) => void): void {
  const latest = useRef(onAction);
  latest.current = onAction;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const action = lessonKeyAction(e, keyTargetOf(e.target));
      if (!action) return;
      e.preventDefault();
      if (!e.repeat) latest.current(action);
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, [enabled]);
}
