/**
 * The capacity form's kernel: its defaults are the document's inputs (shown as a person
 * types them: percent, seconds, minutes), parsing gives the engine's inputs back exactly,
 * an empty "failures a year" means derive it, and out-of-range text names its field.
 */
import { describe, expect, it } from 'vitest';
import { DOCUMENT_INPUTS } from '../../engine/index.ts';
import { defaultForm, FIELDS, parseForm } from './capacityForm.ts';

describe('capacity form', () => {
  it("shows the document's numbers in the units a person types", () => {
    const form = defaultForm();
    expect(form).toMatchObject({
      nodeWritesPerSec: '10000',
      nodeReadsPerSec: '10000',
      peakWritesPerSec: '1400',
      peakReadsPerSec: '9600',
      nodeCostPerMonth: '500',
      downtimeCostPerHour: '10000',
      availabilityBefore: '99.5',
      targetUtilisation: '100',
      manualFailoverMs: '30',
      failoverMs: '30',
      failuresPerYear: '',
      standby: true,
    });
  });
  it('parses the defaults back to the engine inputs', () => {
    const parsed = parseForm(defaultForm());
    expect(parsed.ok && parsed.inputs).toEqual({ ...DOCUMENT_INPUTS, failuresPerYear: undefined });
  });
  it('names the fields to fix', () => {
    const parsed = parseForm({ ...defaultForm(), replicas: '2.5', availabilityBefore: '101', failuresPerYear: '-1' });
    expect(parsed).toEqual({ ok: false, invalid: ['Read replicas', 'Availability before (%)', 'Failures a year'] });
    expect(FIELDS.every((f) => f.label.length > 0)).toBe(true);
  });
  it('takes a measured failover time in seconds and a failure rate', () => {
    const parsed = parseForm({ ...defaultForm(), failoverMs: '6.2', failuresPerYear: '12' });
    expect(parsed.ok && parsed.inputs.failoverMs).toBeCloseTo(6_200, 9);
    expect(parsed.ok && parsed.inputs.failuresPerYear).toBe(12);
  });
});
