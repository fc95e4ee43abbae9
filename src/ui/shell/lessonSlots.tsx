/**
 * Where the lesson UI (src/ui/lesson, the lesson-UI engineer's) plugs into the layout: the
 * landing screen's lesson list and the lesson player beside the topology (presenter and
 * embed modes included). Also gives the router the library's lesson and step ids, so a
 * link to a lesson or step that does not exist is explained.
 */
import { useEffect } from 'react';
import { LESSON_LIST } from '../../lessons/index.ts';
import { lessonOfRoute, useLessonRun } from '../../page/lessonRun.ts';
import type { View } from '../../page/route.ts';
import { LessonList } from '../lesson/LessonList.tsx';
import { LessonPlayer } from '../lesson/LessonPlayer.tsx';
import { tabForStep } from './stepTab.ts';
import { LAB_TABS, openTab } from './Tabs.tsx';
import { setLessonOutlines } from './useRoute.ts';

type LessonView = Extract<View, { screen: 'lesson' }>;
type EmbedView = Extract<View, { screen: 'embed' }>;

setLessonOutlines(
  LESSON_LIST.map((lesson) => ({ id: lesson.id, steps: lesson.chapters.flatMap((c) => c.steps.map((s) => s.id)) })),
);

/** Opens the tab the current step talks about (stepTab.ts) when the learner reaches the step. */
function useStepTab(enabled: boolean): void {
  const step = useLessonRun((run) => run.steps[run.stepIndex]);
  useEffect(() => {
    const tab = enabled && step ? tabForStep(step) : undefined;
    if (tab) openTab(LAB_TABS, tab);
  }, [enabled, step]);
}

/** The lessons, each a link to its first step (or where the learner left off). */
export function LessonListSlot() {
  return <LessonList />;
}

/** The player for a lesson or embed view, opened with the options lessonOfRoute gives it. */
export function LessonPlayerSlot({ view, presenter = false }: { view: LessonView | EmbedView; presenter?: boolean }) {
  const open = lessonOfRoute({ view, presenter }) as NonNullable<ReturnType<typeof lessonOfRoute>>;
  useStepTab(open.options.mode === 'normal');
  return <LessonPlayer lessonId={open.lessonId} {...open.options} />;
}
