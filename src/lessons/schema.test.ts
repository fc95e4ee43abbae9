/**
 * The lesson format's validation (messages naming chapter, step, action and field, like the
 * scenario format's), compiling a lesson into one scenario with step windows, and the
 * matching of answers and claims. No cluster: these are pure.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_SCENARIO_BYTES, parseScenario, ScenarioError } from '../scenarios/schema.ts';
import { compileLesson } from './compile.ts';
import { evaluatePrediction, expectationHolds, matchingChoice } from './evaluate.ts';
import { LESSONS, lessonById } from './library/index.ts';
import { isLessonFile, parseLesson, parseLessonText } from './schema.ts';
import type { Prediction } from './types.ts';

const step = (over: Record<string, unknown> = {}) => ({ id: 'a', title: 'A', narration: 'Text', ...over });
const lesson = (over: Record<string, unknown> = {}, steps: unknown[] = [step()]) => ({
  version: 2,
  id: 'demo',
  title: 'Demo',
  summary: 'A demo.',
  minutes: 2,
  chapters: [{ title: 'One', steps }],
  ...over,
});

function problems(input: unknown): string[] {
  try {
    parseLesson(input);
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems;
    throw err;
  }
  return [];
}

describe('parseLesson', () => {
  it('accepts a minimal lesson and normalises choices and the keyed expect', () => {
    const parsed = parseLesson(
      lesson({}, [
        step({
          actions: [{ do: 'placeOrder', user: 1001, total: 5 }],
          predict: {
            question: 'Lost?',
            measure: 'lostAckedOrders',
            choices: ['0', { value: '>0', label: 'Some' }],
            expect: { lostAckedOrders: '>0' },
          },
        }),
      ]),
    );
    const predict = parsed.chapters[0].steps[0].predict;
    expect(predict?.choices).toEqual([
      { value: '0', label: '0' },
      { value: '>0', label: 'Some' },
    ]);
    expect(predict?.expect).toBe('>0');
  });

  it('names the version a scenario file has', () => {
    expect(problems(lesson({ version: 1 }))[0]).toMatch(/field "version": expected 2 \(a lesson; version 1 files/);
  });

  it('names chapter, step and field for a step problem', () => {
    expect(problems(lesson({}, [step({ narration: undefined })]))).toEqual([
      expect.stringMatching(/^chapter 1, step "a": field "narration": expected narration text/),
    ]);
    expect(problems(lesson({}, [step({ id: 'Bad Id' })]))[0]).toMatch(
      /^chapter 1, step "Bad Id": field "id": expected a slug/,
    );
  });

  it('names the action and field of a bad command, and suggests a misspelt action', () => {
    const bad = lesson({
      chapters: [
        { title: 'One', steps: [step()] },
        { title: 'Two', steps: [step({ id: 'kill', actions: [{ do: 'killNode', node: 'leader' }] })] },
      ],
    });
    expect(problems(bad)).toEqual([
      expect.stringMatching(/^chapter 2, step "kill" \(killNode\): field "node": expected a node name/),
    ]);
    const typo = lesson({}, [step({ actions: [{ do: 'readOrdrs', user: 1001 }] })]);
    expect(problems(typo)[0]).toMatch(
      /^chapter 1, step "a": action 1: unknown action "do": "readOrdrs" \(did you mean "readOrders"\?\)/,
    );
  });

  it('checks nodes against the lesson settings and reports them at the lesson step', () => {
    const p = problems(
      lesson({ settings: { replicas: 2 } }, [
        step({ id: 'r', actions: [{ do: 'readOrders', user: 1001, node: 'replica-3' }] }),
      ]),
    );
    expect(p).toEqual([
      expect.stringMatching(/^chapter 1, step "r" \(readOrders\): field "node": there is no "replica-3"/),
    ]);
    const ref = problems(
      lesson({}, [step({ id: 'r', reference: [{ do: 'setRywStrategy', strategy: 'none', windowMs: 5 }] })]),
    );
    expect(ref[0]).toMatch(
      /^chapter 1, step "r" \(setRywStrategy\): field "windowMs" applies only to the "time-window" strategy/,
    );
  });

  it('refuses an action that goes back in time within its step', () => {
    const p = problems(
      lesson({}, [
        step({
          actions: [
            { at: 500, do: 'placeOrder', user: 1001, total: 1 },
            { at: 100, do: 'readOrders', user: 1001 },
          ],
        }),
      ]),
    );
    expect(p).toEqual([
      'chapter 1, step "a" (readOrders): field "at": 100 is earlier than the action before it (at 500 ms into the step); actions run in the order written',
    ]);
  });

  it('refuses duplicate step ids, and a prediction with both or neither answer kinds', () => {
    expect(problems(lesson({}, [step(), step()]))).toEqual([
      'chapter 1, step "a": field "id": another step already has the id "a"',
    ]);
    const both = step({ predict: { question: 'Q', measure: 'staleReads', answer: 'number', choices: ['0', '1'] } });
    expect(problems(lesson({}, [both]))[0]).toMatch(/give either "choices" \(multiple choice\) or "answer": "number"/);
    const neither = step({ predict: { question: 'Q', measure: 'staleReads' } });
    expect(problems(lesson({}, [neither]))[0]).toMatch(/give either "choices"/);
  });

  it('lists the measures and goal checks when a name is unknown', () => {
    const m = problems(lesson({}, [step({ predict: { question: 'Q', measure: 'lag', answer: 'number' } })]));
    expect(m[0]).toMatch(/field "predict.measure": expected a measure: readSawOrder, readVerdict/);
    const g = problems(lesson({}, [step({ goal: { text: 'T', check: 'happy' } })]));
    expect(g[0]).toMatch(/field "goal.check": expected a goal check: noRywViolations/);
  });

  it('refuses a keyed expect that names another measure', () => {
    const p = problems(
      lesson({}, [
        step({ predict: { question: 'Q', measure: 'staleReads', answer: 'number', expect: { lostAckedOrders: 0 } } }),
      ]),
    );
    expect(p[0]).toMatch(/field "predict.expect": name the prediction's own measure, as \{"staleReads": \.\.\.\}/);
  });

  it('keeps HTML in narration as text: it is a string, nothing is refused or changed', () => {
    const html = '<img src=x onerror=alert(1)> **bold**';
    expect(parseLesson(lesson({}, [step({ narration: html })])).chapters[0].steps[0].narration).toBe(html);
  });
});

describe('parseLessonText', () => {
  it("parses the README's complete example lesson", () => {
    const readme = readFileSync('README.md', 'utf8');
    const from = readme.indexOf('```json', readme.indexOf('A complete small lesson:')) + '```json'.length;
    const example = parseLessonText(readme.slice(from, readme.indexOf('```', from)), 'README example');
    expect(example.chapters[0].steps.map((s) => s.id)).toEqual(['place', 'read', 'fix']);
    expect(example.chapters[0].steps[2].reference).toEqual([{ do: 'setLag', node: 'replica-1', ms: 0 }]);
  });

  it('reports invalid JSON, too large and too deep files', () => {
    expect(() => parseLessonText('{', 'x.json')).toThrow(/x.json is not valid JSON/);
    expect(() => parseLessonText(' '.repeat(MAX_SCENARIO_BYTES + 1), 'big.json')).toThrow(/big.json is 2.0 MB/);
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    expect(() => parseLessonText(deep, 'deep.json')).toThrow(/nests objects and arrays more than 32 deep/);
  });

  it('tells a lesson file from a scenario file', () => {
    expect(isLessonFile(lesson())).toBe(true);
    expect(isLessonFile({ version: 1, name: 'x', steps: [] })).toBe(false);
  });
});

describe('compileLesson', () => {
  const two = parseLesson(
    lesson({}, [
      step({
        id: 'a',
        actions: [
          { do: 'placeOrder', user: 1001, total: 1 },
          { at: 50, do: 'readOrders', user: 1001 },
        ],
        runMs: 100,
      }),
      step({
        id: 'b',
        actions: [
          { do: 'wait', ms: 300 },
          { do: 'readOrders', user: 1001 },
        ],
        reference: [{ do: 'setRywStrategy', strategy: 'lsn-wait' }],
      }),
    ]),
  );

  it('turns relative times into one scenario with absolute times and a marker at each step end', () => {
    const { scenario, steps } = compileLesson(two);
    expect(steps.map((s) => [s.id, s.startMs, s.endMs])).toEqual([
      ['a', 0, 150],
      ['b', 150, 650],
    ]);
    expect(scenario.steps.map((s) => [s.do, s.at])).toEqual([
      ['placeOrder', 0],
      ['readOrders', 50],
      ['wait', 150],
      ['wait', 150],
      ['readOrders', 450],
      ['wait', 650],
    ]);
    expect(() => parseScenario(scenario)).not.toThrow();
  });

  it('plays reference actions first only when asked, without moving the windows', () => {
    const withRef = compileLesson(two, { reference: (id) => id === 'b' });
    expect(withRef.steps).toEqual(compileLesson(two).steps);
    expect(withRef.scenario.steps.map((s) => s.do)).toContain('setRywStrategy');
    expect(compileLesson(two).scenario.steps.map((s) => s.do)).not.toContain('setRywStrategy');
  });
});

describe('answers and claims', () => {
  it('matches values, comparisons and inclusive ranges', () => {
    expect(expectationHolds('no', 'no')).toBe(true);
    expect(expectationHolds('>0', 2)).toBe(true);
    expect(expectationHolds('>0', 0)).toBe(false);
    expect(expectationHolds('<=50', 50)).toBe(true);
    expect(expectationHolds('!=0', 0)).toBe(false);
    expect(expectationHolds('60000..120000', 89600)).toBe(true);
    expect(expectationHolds('60000..120000', 59999)).toBe(false);
    expect(expectationHolds(3, 3)).toBe(true);
    expect(expectationHolds('>0', 'yes')).toBe(false);
  });

  it('finds the one choice a computed answer falls in', () => {
    const predict: Prediction = {
      question: 'Q',
      measure: 'downtimeMs',
      choices: [
        { value: '<30000', label: 'Under 30 s' },
        { value: '30000..60000', label: '30-60 s' },
        { value: '60000..120000', label: '60-120 s' },
      ],
    };
    expect(matchingChoice(predict, 89600)?.label).toBe('60-120 s');
    expect(matchingChoice(predict, 200000)).toBeUndefined();
    expect(
      matchingChoice(
        {
          ...predict,
          choices: [
            { value: '>0', label: 'a' },
            { value: '>1', label: 'b' },
          ],
        },
        5,
      ),
    ).toBeUndefined();
  });

  it('judges a number answer within its tolerance, computed from an empty history', () => {
    const predict: Prediction = { question: 'Q', measure: 'commitLatencyMs', answer: 'number', tolerance: 5 };
    const result = evaluatePrediction(predict, { events: [], window: { startMs: 0, endMs: 100 } });
    expect(result.actual).toBe(0);
    expect(result.correct(4)).toBe(true);
    expect(result.correct(6)).toBe(false);
  });
});

describe('the library', () => {
  it('has at least ten lessons with unique ids, each compiling to a valid scenario', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    for (const l of LESSONS) {
      expect(lessonById(l.id)).toBe(l);
      expect(() => parseScenario(compileLesson(l, { reference: true }).scenario)).not.toThrow();
      expect(l.chapters.flatMap((c) => c.steps).some((s) => s.predict)).toBe(true);
    }
    const withGoals = LESSONS.filter((l) => l.chapters.some((c) => c.steps.some((s) => s.goal)));
    expect(withGoals.length).toBeGreaterThan(LESSONS.length / 2);
  });
});
