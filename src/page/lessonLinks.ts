/**
 * A lesson step's address in the address bar: as the learner moves, the hash follows
 * (`#lesson/<id>/<step-id>`, built by route.ts), replaced without a navigation so no
 * hashchange fires and the back button is not filled with steps; and the full links to a
 * step and to its challenge for sharing.
 */
import { lessonHash } from './route.ts';

/** The full address of a step (or its challenge link), for sharing: this page with the step's hash. */
export function stepUrl(href: string, lessonId: string, stepId: string, challenge = false): string {
  const url = new URL(href);
  url.hash = lessonHash(lessonId, stepId, challenge);
  return url.toString();
}

/** Shows the learner's step in the address bar, keeping the query (seed, presenter) as it is. */
export function showStepInUrl(lessonId: string, stepId: string): void {
  if (typeof window === 'undefined') return;
  const href = stepUrl(window.location.href, lessonId, stepId);
  if (href !== window.location.href) window.history.replaceState(window.history.state, '', href);
}
