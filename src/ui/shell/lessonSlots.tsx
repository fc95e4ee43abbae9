/**
 * Where the lesson UI (src/ui/lesson, the lesson-UI engineer's) plugs into the layout: the
 * landing screen's lesson list and the lesson player beside the topology (presenter and
 * embed modes included). Also gives the router the lesson and step ids (the library's and
 * this browser's own lessons), so a link to a lesson or step that does not exist is explained.
 */
import { useEffect } from 'react';
import { LESSON_LIST } from '../../lessons/index.ts';
import { lessonOfRoute, useLessonRun } from '../../page/lessonRun.ts';
import { useOwnLessons } from '../../page/ownLessons.ts';
import type { View } from '../../page/route.ts';
import { LessonList } from '../lesson/LessonList.tsx';
import { LessonPlayer } from '../lesson/LessonPlayer.tsx';
import { OwnLessons } from '../lesson/OwnLessons.tsx';
import { tabForStep } from './stepTab.ts';
import { LAB_TABS, openTab } from './Tabs.tsx';
import { setLessonOutlines } from './useRoute.ts';

type LessonView = Extract<View, { screen: 'lesson' }>;
type EmbedView = Extract<View, { screen: 'embed' }>;

/** Links are checked against the library and this browser's own lessons, again when those change. */
function outlineLessons(): void {
  const own = useOwnLessons.getState().lessons.map((o) => o.lesson);
  setLessonOutlines(
    [...LESSON_LIST, ...own].map((lesson) => ({
      id: lesson.id,
      steps: lesson.chapters.flatMap((c) => c.steps.map((s) => s.id)),
    })),
  );
}
outlineLessons();
useOwnLessons.subscribe((s, before) => {
  if (s.lessons !== before.lessons) outlineLessons();
});

/** Opens the tab the current step talks about (stepTab.ts) when the learner reaches the step. */
function useStepTab(enabled: boolean): void {
  const step = useLessonRun((run) => run.steps[run.stepIndex]);
  useEffect(() => {
    const tab = enabled && step ? tabForStep(step) : undefined;
    if (tab) openTab(LAB_TABS, tab);
  }, [enabled, step]);
}

/** The lessons, each a link to its first step (or where the learner left off), then the learner's own. */
export function LessonListSlot() {
  return (
    <>
      <LessonList />
      <OwnLessons />
    </>
  );
}

/** The player for a lesson or embed view, opened with the options lessonOfRoute gives it. */
export function LessonPlayerSlot({ view, presenter = false }: { view: LessonView | EmbedView; presenter?: boolean }) {
  const open = lessonOfRoute({ view, presenter }) as NonNullable<ReturnType<typeof lessonOfRoute>>;
  useStepTab(open.options.mode === 'normal');
  return <LessonPlayer lessonId={open.lessonId} {...open.options} />;
}
