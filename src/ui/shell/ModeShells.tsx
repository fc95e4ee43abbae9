/**
 * The two views for teaching from the lab rather than in it.
 * - Presenter (`?presenter=1`, or P): for a projector at 1280x720, large type and high
 *   contrast, only the topology, the lesson (or the narration line in free play) and the
 *   step controls, driven from the keyboard (P leaves it).
 * - Embed (`?embed=1&lesson=<id>&from=<step>&to=<step>`): a compact lesson for an iframe
 *   in a course page, limited to the given steps, with a link to the whole lab.
 */

import { findLesson } from '../../page/ownLessons.ts';
import { embedSteps, lessonHash, type View } from '../../page/route.ts';
import { ClockControls } from '../clock/ClockControls.tsx';
import { Narration } from '../narration/Narration.tsx';
import { Topology } from '../topology/Topology.tsx';
import { LessonPlayerSlot } from './lessonSlots.tsx';

type LessonView = Extract<View, { screen: 'lesson' }>;
type EmbedView = Extract<View, { screen: 'embed' }>;

export function PresenterScreen({ view }: { view: LessonView | { screen: 'sandbox' } }) {
  return (
    <div className="presenter-screen">
      <div className="presenter-main">
        <Topology />
      </div>
      <div className="presenter-side">
        {view.screen === 'lesson' ? <LessonPlayerSlot view={view} presenter /> : <Narration />}
      </div>
    </div>
  );
}

/** The header of the presenter view: the lab's name, the clock, and how to leave. */
export function PresenterHeader() {
  return (
    <header className="app-header presenter-header">
      <h1>Replica Lab</h1>
      <ClockControls />
      <p className="presenter-hint">
        <kbd>P</kbd> leaves the presenter view
      </p>
    </header>
  );
}

export function EmbedScreen({ view }: { view: EmbedView }) {
  const lesson = findLesson(view.lesson);
  const outline = lesson
    ? { id: lesson.id, steps: lesson.chapters.flatMap((c) => c.steps.map((s) => s.id)) }
    : { id: view.lesson, steps: [] };
  const steps = embedSteps(view, outline);
  const full = new URL(window.location.href);
  full.search = '';
  full.hash = lessonHash(view.lesson, steps[0]);
  return (
    <div className="embed-screen">
      <header className="embed-header">
        <h1 className="embed-title">
          <strong>Replica Lab</strong>
          {lesson ? `: ${lesson.title}` : ''}
        </h1>
        <a href={full.toString()} target="_blank" rel="noopener">
          Open in Replica Lab
        </a>
      </header>
      {/* App's Running is the page's one main landmark. */}
      <div className="embed-main">
        <Topology />
        <LessonPlayerSlot view={view} />
      </div>
    </div>
  );
}
