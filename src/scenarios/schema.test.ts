import { describe, expect, it } from 'vitest';
import { PRESETS } from './presets/index.ts';
import { parseScenario, parseScenarioText, ScenarioError, stepTimes } from './schema.ts';

const valid = {
  version: 1,
  name: 'The stale read',
  seed: 7,
  settings: { replicas: 3, lagMs: [2000, 300, 300] },
  steps: [
    { at: 0, do: 'placeOrder', user: 1001, total: 59.9 },
    { at: 50, do: 'readOrders', user: 1001, node: 'replica-1' },
    { at: 2500, do: 'readOrders', user: 1001, node: 'replica-1' },
  ],
};

function problems(input: unknown): string[] {
  try {
    parseScenario(input);
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems;
    throw err;
  }
  return [];
}

describe('scenario validation', () => {
  it('accepts the format the issue documents', () => {
    expect(parseScenario(valid).steps).toHaveLength(3);
  });

  it('accepts every preset', () => {
    for (const [name, preset] of Object.entries(PRESETS)) {
      expect(problems(preset), name).toEqual([]);
    }
  });

  it('names the step, the action and the field that is wrong', () => {
    const bad = structuredClone(valid) as { steps: Record<string, unknown>[] };
    bad.steps[1].user = 'abc';
    expect(problems(bad)).toEqual([
      'step 2 (readOrders): field "user": Invalid input: expected number, received string (got "abc")',
    ]);
  });

  it('suggests the action a typo meant and lists the known ones', () => {
    const bad = structuredClone(valid) as { steps: Record<string, unknown>[] };
    bad.steps[0].do = 'placeorders';
    const [message] = problems(bad);
    expect(message).toMatch(
      /^step 1: unknown action "do": "placeorders" \(did you mean "placeOrder"\?\); actions: placeOrder, readOrders/,
    );
  });

  it('rejects unknown fields, so a misspelt field does not silently do nothing', () => {
    const bad = structuredClone(valid) as { steps: Record<string, unknown>[] };
    bad.steps[1].nod = 'replica-1';
    expect(problems(bad)).toEqual(['step 2 (readOrders): unknown field "nod"']);
  });

  it('rejects a node the scenario does not have', () => {
    const bad = structuredClone(valid) as { steps: Record<string, unknown>[] };
    bad.steps[1].node = 'replica-4';
    expect(problems(bad)[0]).toMatch(/^step 2 \(readOrders\): field "node": there is no "replica-4" in this scenario/);
  });

  it('rejects steps that go back in time, lags out of range and a wrong version', () => {
    const bad = structuredClone(valid) as Record<string, unknown> & { steps: Record<string, unknown>[] };
    bad.version = 2;
    expect(problems(bad)[0]).toMatch(/^field "version": expected 1/);
    const back = structuredClone(valid) as { steps: Record<string, unknown>[] };
    back.steps[2].at = 10;
    expect(problems(back)).toEqual([
      'step 3 (readOrders): field "at": 10 is earlier than the step before it (at 50); steps run in the order written',
    ]);
    const lag = { ...structuredClone(valid), steps: [{ do: 'setLag', node: 'replica-1', ms: 20000 }] };
    expect(problems(lag)).toEqual(['step 1 (setLag): field "ms": expected at most 10000 ms (got 20000)']);
  });

  it('reports a per-replica setting of the wrong length and bad JSON clearly', () => {
    const bad = { ...structuredClone(valid), settings: { replicas: 3, lagMs: [100, 200] } };
    expect(problems(bad)).toEqual([
      'field "settings.lagMs": 2 values for 3 replicas; give one per replica, or one number for all',
    ]);
    expect(() => parseScenarioText('{"version": 1,', 'mine.json')).toThrow(/^mine.json is not valid JSON: /);
  });

  it('checks replication-mode parameters against the mode and the replicas', () => {
    const withSteps = (steps: unknown[]) => ({ version: 1, name: 'm', steps });
    expect(problems(withSteps([{ do: 'setMode', mode: 'async', timeoutMs: 5 }]))).toEqual([
      'step 1 (setMode): field "timeoutMs" applies only to mode "semi-sync", not "async"',
    ]);
    expect(problems(withSteps([{ do: 'setMode', mode: 'sync', standbys: 'FIRST 1 (replica-9)' }]))).toEqual([
      'step 1 (setMode): field "standbys": no such replica "replica-9"',
    ]);
    expect(
      problems(
        withSteps([{ do: 'setMode', mode: 'sync', level: 'remote_apply', standbys: 'ANY 2 (replica-1, replica-2)' }]),
      ),
    ).toEqual([]);
  });

  it('runs steps without "at" right after the previous one, and waits move the cursor', () => {
    const s = parseScenario({
      version: 1,
      name: 'w',
      steps: [
        { at: 100, do: 'placeOrder', user: 1001, total: 1 },
        { do: 'wait', ms: 400 },
        { do: 'readOrders', user: 1001 },
        { at: 900, do: 'readOrders', user: 1001 },
      ],
    });
    expect(stepTimes(s.steps)).toEqual({ times: [100, 100, 500, 900], endMs: 900 });
  });

  it('names an unknown user and the valid range, and settings.users raises it', () => {
    const file = (steps: unknown[], settings?: unknown) => ({
      version: 1,
      name: 'u',
      ...(settings ? { settings } : {}),
      steps,
    });
    const problemsOf = (f: unknown) => {
      try {
        parseScenario(f);
        return [];
      } catch (err) {
        return (err as ScenarioError).problems;
      }
    };
    expect(
      problemsOf(
        file([
          { do: 'readOrders', user: 1001 },
          { do: 'placeOrder', user: 7, total: 5 },
        ]),
      ),
    ).toEqual([
      'step 2 (placeOrder): field "user": there is no user 7 (users are 1000-1019; raise settings.users for more)',
    ]);
    expect(problemsOf(file([{ do: 'placeOrder', user: 1049, total: 5 }], { users: 50 }))).toEqual([]);
    expect(problemsOf(file([{ do: 'placeOrder', user: 1050, total: 5 }], { users: 50 }))).toEqual([
      'step 1 (placeOrder): field "user": there is no user 1050 (users are 1000-1049; raise settings.users for more)',
    ]);
    expect(problemsOf(file([{ do: 'startLoad', users: 30 }]))).toEqual([
      'step 1 (startLoad): field "users": the shop has 20 users (raise settings.users for more)',
    ]);
  });

  it('treats a file as data: HTML in a note stays text, a huge or deeply nested file is refused with a reason', () => {
    const note = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const s = parseScenario({ version: 1, name: '<b>n</b>', steps: [{ do: 'wait', ms: 1, note }] });
    expect(s.steps[0].note).toBe(note);
    expect(s.name).toBe('<b>n</b>');
    const huge = JSON.stringify({ version: 1, name: 'x', steps: [{ do: 'wait', ms: 1, note: 'a'.repeat(3_000_000) }] });
    expect(() => parseScenarioText(huge, 'huge.json')).toThrow(
      'huge.json is 3.0 MB; a scenario file may be at most 2 MB',
    );
    const deep = `{"version":1,"name":"d","steps":[{"do":"wait","ms":1,"note":${'['.repeat(5000)}${']'.repeat(5000)}}]}`;
    expect(() => parseScenarioText(deep, 'deep.json')).toThrow('deep.json nests objects and arrays more than 32 deep');
  });
});
