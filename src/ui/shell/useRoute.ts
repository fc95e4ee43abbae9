/**
 * The page's route as React state: read from the address (page/route.ts) at start and
 * again whenever the hash changes (a lesson link, Back in the browser), with `go` to move
 * to another screen and `P` to switch the projector view on and off. The lesson library
 * checks the link's lesson and step ids (an unknown one is explained, never fatal).
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import {
  buildHash,
  checkRoute,
  type LessonOutline,
  type PageRoute,
  parseRoute,
  type View,
  withPresenter,
} from '../../page/route.ts';
import { useLab } from '../../page/store.ts';

interface RouteState {
  route: PageRoute;
  /** The lesson library's ids, to check links against (empty: not checked). */
  lessons: readonly LessonOutline[];
}

function read(lessons: readonly LessonOutline[]): PageRoute {
  const route = parseRoute(window.location.search, window.location.hash);
  return lessons.length > 0 ? checkRoute(route, lessons) : route;
}

export const useRouteStore = create<RouteState>()(() => ({
  route: typeof window === 'undefined' ? { view: { screen: 'landing' }, presenter: false } : read([]),
  lessons: [],
}));

/** Checks the current link against the library (once it is known). */
export function setLessonOutlines(lessons: readonly LessonOutline[]): void {
  useRouteStore.setState({ lessons, route: read(lessons) });
}

/** Moves to another screen: a new history entry, so the browser's Back comes back here. */
export function go(view: View): void {
  const url = new URL(window.location.href);
  url.hash = buildHash(view);
  for (const name of ['embed', 'lesson', 'from', 'to']) url.searchParams.delete(name);
  // The seed in the address makes it a link to the lab (route.ts): the start page has none,
  // and the lab gets the running cluster's back so a reload reproduces it.
  if (view.screen === 'landing') {
    url.searchParams.delete('seed');
    url.searchParams.delete('scenario');
  }
  const lab = useLab.getState();
  if (view.screen === 'sandbox' && lab.phase === 'running') url.searchParams.set('seed', String(lab.seed));
  if (url.href === window.location.href) return;
  window.history.pushState(null, '', url);
  useRouteStore.setState((s) => ({ route: { ...read(s.lessons), error: undefined } }));
}

/** Switches the projector view on or off, keeping the screen. */
export function setPresenter(on: boolean): void {
  const url = new URL(window.location.href);
  url.search = withPresenter(url.search, on);
  window.history.replaceState(window.history.state, '', url);
  useRouteStore.setState((s) => ({ route: { ...s.route, presenter: on } }));
}

const OWNS_KEYS = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';

/** Follows the address bar, and `P` (outside text fields) toggles the presenter view. */
export function useFollowRoute(): PageRoute {
  useEffect(() => {
    const onChange = () => useRouteStore.setState((s) => ({ route: read(s.lessons) }));
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.key.toLowerCase() !== 'p') return;
      if (e.target instanceof Element && e.target.closest(OWNS_KEYS)) return;
      const { route } = useRouteStore.getState();
      if (route.view.screen === 'embed') return;
      e.preventDefault();
      setPresenter(!route.presenter);
    };
    window.addEventListener('hashchange', onChange);
    window.addEventListener('popstate', onChange);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onChange);
      window.removeEventListener('popstate', onChange);
      window.removeEventListener('keydown', onKey);
    };
  }, []);
  return useRouteStore((s) => s.route);
}

/** A link to another screen of the page: a real link (open in a new tab works), followed without a reload. */
export function linkTo(view: View): {
  href: string;
  onClick: (e: {
    preventDefault(): void;
    button?: number;
    ctrlKey?: boolean;
    metaKey?: boolean;
    shiftKey?: boolean;
  }) => void;
} {
  const hash = buildHash(view);
  return {
    href: hash === '' ? './' : hash,
    onClick: (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || (e.button ?? 0) !== 0) return;
      e.preventDefault();
      go(view);
    },
  };
}
