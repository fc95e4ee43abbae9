/**
 * The capacity panel's form kernel, without React: each input's label, unit, range and how
 * its text maps to the engine's CapacityInputs (percentages to fractions, seconds and
 * minutes to ms), the document's values as the form's defaults, and parsing the typed
 * text into inputs or the names of the fields that are not valid.
 */
import { type CapacityInputs, DOCUMENT_INPUTS } from '../../engine/index.ts';

type NumericKey = Exclude<keyof CapacityInputs, 'standby' | 'failuresPerYear'>;

export interface FieldSpec {
  key: NumericKey | 'failuresPerYear';
  label: string;
  min: number;
  max: number;
  /** The input shows value / scale (percent: 0.01, seconds: 1000, minutes: 60,000). */
  scale: number;
  /** Empty text is allowed and means "derive it" (failures a year). */
  optional?: boolean;
  /** Whole numbers only (replicas). */
  whole?: boolean;
  hint?: string;
}

export const FIELD_GROUPS: readonly { legend: string; fields: readonly FieldSpec[] }[] = [
  {
    legend: 'Load and nodes',
    fields: [
      { key: 'nodeWritesPerSec', label: 'Writes/s one node handles', min: 1, max: 1e7, scale: 1 },
      { key: 'nodeReadsPerSec', label: 'Reads/s one node handles', min: 1, max: 1e7, scale: 1 },
      { key: 'peakWritesPerSec', label: 'Peak writes/s', min: 0, max: 1e8, scale: 1 },
      { key: 'peakReadsPerSec', label: 'Peak reads/s (after the cache)', min: 0, max: 1e9, scale: 1 },
      { key: 'replicas', label: 'Read replicas', min: 1, max: 1000, scale: 1, whole: true },
      {
        key: 'replayCost',
        label: 'Replay cost (share of a write)',
        min: 0,
        max: 2,
        scale: 1,
        hint: 'Each replica replays every write: 1 = as costly as the write, 0 = free (the document).',
      },
      { key: 'targetUtilisation', label: 'Size nodes to at most (%)', min: 1, max: 100, scale: 0.01 },
      { key: 'growth', label: 'Growth (x)', min: 1, max: 1000, scale: 1 },
    ],
  },
  {
    legend: 'Availability and cost',
    fields: [
      { key: 'availabilityBefore', label: 'Availability before (%)', min: 0, max: 100, scale: 0.01 },
      { key: 'manualFailoverMs', label: 'Manual failover before (min)', min: 0.01, max: 10_000, scale: 60_000 },
      { key: 'failoverMs', label: 'Automatic failover (s)', min: 0, max: 100_000, scale: 1000 },
      {
        key: 'failuresPerYear',
        label: 'Failures a year',
        min: 0,
        max: 100_000,
        scale: 1,
        optional: true,
        hint: 'Empty: implied by the availability before and the manual failover time.',
      },
      { key: 'nodeCostPerMonth', label: 'Node cost ($/month)', min: 0, max: 1e7, scale: 1 },
      { key: 'downtimeCostPerHour', label: 'Downtime cost ($/hour)', min: 0, max: 1e9, scale: 1 },
    ],
  },
];

export const FIELDS: readonly FieldSpec[] = FIELD_GROUPS.flatMap((g) => g.fields);

export type CapacityForm = Record<FieldSpec['key'], string> & { standby: boolean };

/** A number as an input shows it: no float dust (0.995 / 0.01 is 99.5, not 99.49999999999999). */
export function inputText(value: number, scale: number): string {
  return String(Number((value / scale).toPrecision(12)));
}

/** The form holding the document's inputs. */
export function defaultForm(): CapacityForm {
  const form = { standby: DOCUMENT_INPUTS.standby } as CapacityForm;
  for (const f of FIELDS) {
    const value = DOCUMENT_INPUTS[f.key];
    form[f.key] = value === undefined ? '' : inputText(value, f.scale);
  }
  return form;
}

export function fieldValid(f: FieldSpec, text: string): boolean {
  if (f.optional && text.trim() === '') return true;
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= f.min && n <= f.max && (!f.whole || Number.isInteger(n));
}

export type Parsed = { ok: true; inputs: CapacityInputs } | { ok: false; invalid: string[] };

/** The engine's inputs from the typed text, or the labels of the fields to fix. */
export function parseForm(form: CapacityForm): Parsed {
  const invalid = FIELDS.filter((f) => !fieldValid(f, form[f.key])).map((f) => f.label);
  if (invalid.length > 0) return { ok: false, invalid };
  const inputs: CapacityInputs = { ...DOCUMENT_INPUTS, standby: form.standby };
  for (const f of FIELDS) {
    const text = form[f.key].trim();
    if (f.key === 'failuresPerYear') inputs.failuresPerYear = text === '' ? undefined : Number(text);
    else inputs[f.key] = Number(text) * f.scale;
  }
  return { ok: true, inputs };
}
