import { describe, expect, it } from 'vitest';
import { parseSeed, seedFromUrl } from '../../page/shareLink.ts';
import { parseScenario } from '../../scenarios/schema.ts';
import { currentStep, describeStep, presetScenarios } from './scenarioText.ts';

const scenario = parseScenario({
  version: 1,
  name: 'steps',
  steps: [
    { at: 0, do: 'placeOrder', user: 1001, total: 59.9, note: 'not shown in the line' },
    { at: 50, do: 'readOrders', user: 1001, node: 'replica-1' },
    { do: 'wait', ms: 1000 },
    { do: 'stopLoad' },
  ],
});

describe('scenario text', () => {
  it('describes a step by its action and fields as written, without at and note', () => {
    expect(scenario.steps.map(describeStep)).toEqual([
      'placeOrder user 1001, total 59.9',
      'readOrders user 1001, node replica-1',
      'wait ms 1000',
      'stopLoad',
    ]);
  });

  it('finds the last step that has run by an engine time', () => {
    expect(currentStep(scenario, -1)).toBe(-1);
    expect(currentStep(scenario, 0)).toBe(0);
    expect(currentStep(scenario, 49.9)).toBe(0);
    // The wait runs right after the read (at 50); the step after it at 1050.
    expect(currentStep(scenario, 50)).toBe(2);
    expect(currentStep(scenario, 1050)).toBe(3);
  });

  it('parses every preset', () => {
    const presets = presetScenarios();
    expect(presets.length).toBeGreaterThan(10);
    expect(presets.find((p) => p.id === 'stale-read')?.scenario.name).toBe('The stale read');
  });
});

describe('share link', () => {
  it('reads a whole-number seed and explains a bad one', () => {
    expect(seedFromUrl('?seed=42')).toEqual({ seed: 42 });
    expect(seedFromUrl('')).toEqual({});
    expect(seedFromUrl('?seed=4.5').error).toContain('"4.5" is not a whole number');
    expect(seedFromUrl('?seed=-1').seed).toBeUndefined();
    expect([parseSeed(' 7 '), parseSeed('0'), parseSeed('1e3'), parseSeed(''), parseSeed('9'.repeat(20))]).toEqual([
      7,
      0,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
