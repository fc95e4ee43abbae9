/**
 * The lessons' public API, for the lesson UI (src/page/lesson*.ts, src/ui) and the CLI:
 * the format (parse, compile), reveals and goals computed from the history, the headless
 * check, and the library. The contract is in src/lessons/types.ts: add, never rename.
 */
export { compileLesson, DEFAULT_RUN_MS } from './compile.ts';
export { evaluateGoal, evaluatePrediction, expectationHolds, matchingChoice } from './evaluate.ts';
export { GOALS } from './goals.ts';
export { LESSON_LIST, LESSONS, lessonById } from './library/index.ts';
export { MEASURES } from './measures.ts';
export { checkLesson, contextAt } from './runner.ts';
export { isLessonFile, parseLesson, parseLessonText } from './schema.ts';
export * from './types.ts';
