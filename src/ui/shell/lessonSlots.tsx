/**
 * Where the lesson UI (src/ui/lesson, the lesson-UI engineer's) plugs into the layout: the
 * landing screen's lesson list and the lesson player beside the topology (presenter and
 * embed modes included). Also gives the router the library's lesson and step ids, so a
 * link to a lesson or step that does not exist is explained.
 */
import { useEffect } from 'react';
import { LESSON_LIST } from '../../lessons/index.ts';
import { useLessonRun } from '../../page/lessonRun.ts';
import { LessonList } from '../lesson/LessonList.tsx';
import { LessonPlayer } from '../lesson/LessonPlayer.tsx';
import { tabForStep } from './stepTab.ts';
import { LAB_TABS, openTab } from './Tabs.tsx';
import { setLessonOutlines } from './useRoute.ts';

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

export interface LessonSlotProps {
  lesson: string;
  step?: string;
  challenge: boolean;
  mode?: 'normal' | 'presenter' | 'embed';
  /** An embed's range: only these steps are reachable. */
  from?: string;
  to?: string;
}

export function LessonPlayerSlot({ lesson, step, challenge, mode = 'normal', from, to }: LessonSlotProps) {
  useStepTab(mode === 'normal');
  return <LessonPlayer lessonId={lesson} stepId={step} challenge={challenge} mode={mode} fromStep={from} toStep={to} />;
}
