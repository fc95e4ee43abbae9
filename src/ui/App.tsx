/**
 * The app shell: picks the screen from the page's route (page/route.ts, followed by
 * shell/useRoute.ts): the landing screen (lessons and free play), the lab in free play or
 * in a lesson (shell/LabScreen.tsx: clock, topology, client or lesson, the other panels in
 * tabs), the presenter view for a projector and the compact embed view. A link that could
 * not be followed is explained above the screen. The lab shows "Booting cluster…" until
 * the cluster runs, and the boot error if it failed. Free play entered after a lesson
 * starts on a fresh cluster.
 */

import { type ReactNode, useEffect } from 'react';
import type { PageRoute } from '../page/route.ts';
import { enterFreePlay } from '../page/session.ts';
import { useLab } from '../page/store.ts';
import { ClockControls } from './clock/ClockControls.tsx';
import { useClockShortcuts } from './clock/useClockShortcuts.ts';
import { LabScreen } from './shell/LabScreen.tsx';
import { Landing } from './shell/Landing.tsx';
import { LessonPlayerSlot } from './shell/lessonSlots.tsx';
import { EmbedScreen, PresenterHeader, PresenterScreen } from './shell/ModeShells.tsx';
import { linkTo, useFollowRoute, useRouteStore } from './shell/useRoute.ts';
import './shell/shell.css';

export function App() {
  const route = useFollowRoute();
  const phase = useLab((s) => s.phase);
  const { view, presenter } = route;
  useClockShortcuts(phase === 'running' && view.screen !== 'landing');
  // Free play after a lesson gets a fresh cluster, not the lesson's (session.ts).
  const freePlay = phase === 'running' && view.screen === 'sandbox';
  useEffect(() => {
    if (freePlay) void enterFreePlay();
  }, [freePlay]);

  if (view.screen === 'landing') {
    return (
      <div className="app app-landing">
        <RouteNotice route={route} />
        <Landing />
      </div>
    );
  }
  if (view.screen === 'embed') {
    return (
      <div className="app app-embed">
        <RouteNotice route={route} />
        <Running>
          <EmbedScreen view={view} />
        </Running>
      </div>
    );
  }
  if (presenter) {
    return (
      <div className="app app-presenter">
        <RouteNotice route={route} />
        {phase === 'running' && <PresenterHeader />}
        <Running>
          <PresenterScreen view={view} />
        </Running>
      </div>
    );
  }
  const lesson = view.screen === 'lesson';
  return (
    <div className="app app-lab">
      <header className="app-header">
        <div className="app-title">
          <h1>Replica Lab</h1>
          <a {...linkTo({ screen: 'landing' })}>{lesson ? 'All lessons' : 'Lessons'}</a>
        </div>
        {phase === 'running' && <ClockControls />}
      </header>
      <RouteNotice route={route} />
      <Running>
        <LabScreen lesson={lesson} side={view.screen === 'lesson' ? <LessonPlayerSlot view={view} /> : undefined} />
        <BootTime />
      </Running>
    </div>
  );
}

/** The screen once the cluster runs; until then its boot, or the boot error. */
function Running({ children }: { children: ReactNode }) {
  const phase = useLab((s) => s.phase);
  return (
    <main>
      {phase === 'booting' && <Booting />}
      {phase === 'failed' && <BootFailed />}
      {phase === 'running' && children}
    </main>
  );
}

/** Why the link was not followed as written (an unknown lesson, a malformed step id...). */
function RouteNotice({ route }: { route: PageRoute }) {
  if (!route.error) return null;
  return (
    <div className="route-notice" role="alert">
      <p>{route.error}</p>
      <button
        type="button"
        onClick={() => useRouteStore.setState((s) => ({ route: { ...s.route, error: undefined } }))}
      >
        Dismiss
      </button>
    </div>
  );
}

function Booting() {
  return (
    <div className="app-booting" role="status" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      <div>
        <p className="app-booting-title">Booting cluster…</p>
        <p className="muted">Starting a primary and three replicas, each PostgreSQL in its own Web Worker.</p>
      </div>
    </div>
  );
}

function BootFailed() {
  const error = useLab((s) => s.bootError);
  return (
    <div className="panel app-boot-failed" role="alert">
      <h2>The cluster failed to boot</h2>
      <p>
        <code>{error}</code>
      </p>
      <button type="button" onClick={() => window.location.reload()}>
        Reload the page
      </button>
    </div>
  );
}

function BootTime() {
  const readyAtMs = useLab((s) => s.readyAtMs);
  const nodes = useLab((s) => s.snapshot?.nodes.length ?? 0);
  if (readyAtMs === undefined) return null;
  return (
    <p className="muted app-footnote">
      {nodes} nodes ready <span data-testid="boot-time">{(readyAtMs / 1000).toFixed(1)} s</span> after the page started
      loading.
    </p>
  );
}
