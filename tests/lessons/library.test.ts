/**
 * Every library lesson passes `npm run scenario -- --check --all` (run as an instructor runs
 * it, a child process): each goal is met on the reference path and not without it, each
 * narrated answer holds, each computed answer is one of its choices. And the CLI's exit
 * codes for a single lesson: 0 when it teaches what it says, 1 when the engine contradicts
 * its narration, 2 for a scenario file or an unknown lesson.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LESSONS, type Lesson, type LessonCheck, lessonById } from '../../src/lessons/index.ts';

const run = promisify(execFile);
const cli = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/scenario.ts', ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('the lesson library under --check', () => {
  it('every lesson passes, with every prediction answered and every goal reached only by its reference actions', async () => {
    const { code, stdout, stderr } = await cli('--check', '--all', '--json');
    const checks = JSON.parse(stdout) as LessonCheck[];
    const failing = checks.filter((c) => !c.ok).flatMap((c) => c.problems);
    expect(failing, stderr).toEqual([]);
    expect(code).toBe(0);
    expect(checks.map((c) => c.lesson)).toEqual(LESSONS.map((l) => l.id));
    for (const lesson of LESSONS) {
      const check = checks.find((c) => c.lesson === lesson.id) as LessonCheck;
      const steps = lesson.chapters.flatMap((c) => c.steps);
      expect(check.steps.map((s) => s.id)).toEqual(steps.map((s) => s.id));
      for (const [i, step] of steps.entries()) {
        const found = check.steps[i];
        if (step.predict) expect(found.prediction?.ok, `${lesson.id}/${step.id}`).toBe(true);
        if (step.goal) expect(found.goal?.met, `${lesson.id}/${step.goal.text}`).toBe(true);
        if (step.goal && step.reference?.length) expect(found.goal?.metWithoutReference).toBe(false);
      }
    }
  }, 600_000);

  it('exits 1 naming the step when the engine contradicts the narration, 2 for a scenario file or an unknown id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lesson-'));
    const wrong = structuredClone(lessonById('replication-log') as Lesson);
    // Claim Replica 3 is caught up right after the orders: it is 1.5 s behind.
    const first = wrong.chapters[0].steps[0];
    if (first.predict) first.predict.expect = 0;
    wrong.chapters = [{ ...wrong.chapters[0], steps: [first] }];
    const file = join(dir, 'wrong.json');
    writeFileSync(file, JSON.stringify(wrong));
    const bad = await cli(file, '--check');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL replication-log/m);
    expect(bad.stdout).toMatch(
      /problem: chapter 1, step "three-orders": the narration expects behindEntries 0, but the engine computed 3/,
    );

    const scenario = await cli('src/scenarios/presets/stale-read.json', '--check');
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toMatch(/is a scenario \(version 1\), not a lesson/);
    const unknown = await cli('no-such-lesson', '--check');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no library lesson of that id; lessons: replication-log, stale-read/);
  }, 300_000);
});
