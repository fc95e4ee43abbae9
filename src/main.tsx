/**
 * The page's entry: renders the app, boots the cluster in Web Workers (page/session.ts
 * connects it to the store) and starts the clock at 1x so replication happens in real time.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { engineFailed } from './page/clock.ts';
import { lessonOfRoute, openLesson } from './page/lessonRun.ts';
import { findLesson } from './page/ownLessons.ts';
import { parseRoute } from './page/route.ts';
import { startLab, startWithLesson } from './page/session.ts';
import { seedFromUrl } from './page/shareLink.ts';
import { logActivity } from './page/store.ts';
import './ui/theme/tokens.css';
import './ui/shared/shared.css';
import { App } from './ui/App.tsx';
import './ui/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Nothing the engine throws may take the page down: show it instead.
window.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  console.error(e.reason);
  engineFailed(e.reason);
});

// A share link may name the seed (`?seed=42`); a bad one is reported and the default used.
const link = seedFromUrl(window.location.search);
const settings = { replicas: 3, ...(link.seed !== undefined ? { seed: link.seed } : {}) };
// A lesson link boots the lesson's cluster first; anything else, free play.
const linked = lessonOfRoute(parseRoute(window.location.search, window.location.hash));
const lesson = linked && findLesson(linked.lessonId) ? linked : undefined;
const started = lesson
  ? startWithLesson(settings, () => openLesson(lesson.lessonId, lesson.options))
  : startLab(settings);
void started.then(() => {
  if (link.error) logActivity('error', link.error);
});
