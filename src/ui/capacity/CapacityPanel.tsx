/**
 * The capacity and cost panel: the design document's inputs as editable defaults (node
 * throughput, peak load, replicas, cost, downtime cost, failover time), buttons that take
 * this run's measured failover downtime and peak load instead, and the results the
 * engine's capacity model computes from them (CapacityResults.tsx), with the document's
 * own figures beside the recomputed ones. The arithmetic is the engine's; this only holds
 * the typed text.
 */
import { useId, useState } from 'react';
import { meanFailoverDowntimeMs, measuredRates } from '../../engine/index.ts';
import { formatMs } from '../../page/format.ts';
import { selectDowntimes } from '../../page/selectors.ts';
import { useLab } from '../../page/store.ts';
import { CapacityResults } from './CapacityResults.tsx';
import {
  type CapacityForm,
  defaultForm,
  FIELD_GROUPS,
  type FieldSpec,
  fieldValid,
  inputText,
  parseForm,
} from './capacityForm.ts';
import './capacity.css';

function Field({ spec, text, onChange }: { spec: FieldSpec; text: string; onChange: (text: string) => void }) {
  const hintId = useId();
  return (
    <label className="field capacity-field">
      {spec.label}
      <input
        type="number"
        className="ms-input"
        min={spec.min}
        max={spec.max}
        step="any"
        value={text}
        placeholder={spec.optional ? 'implied' : undefined}
        aria-invalid={!fieldValid(spec, text)}
        aria-describedby={spec.hint ? hintId : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {spec.hint && (
        <span id={hintId} className="capacity-hint">
          {spec.hint}
        </span>
      )}
    </label>
  );
}

export function CapacityPanel() {
  const [form, setForm] = useState<CapacityForm>(defaultForm);
  const [note, setNote] = useState('');
  const downtimes = useLab(selectDowntimes);
  const measuredMs = meanFailoverDowntimeMs(downtimes);
  const parsed = parseForm(form);
  const set = (key: keyof CapacityForm, value: string | boolean) => setForm((f) => ({ ...f, [key]: value }));

  const takeMeasuredDowntime = () => {
    if (measuredMs === undefined) return;
    set('failoverMs', inputText(measuredMs, 1000));
    setNote(`Automatic failover set to this run's measured downtime, ${formatMs(measuredMs)}.`);
  };
  const takeMeasuredLoad = () => {
    const events = useLab.getState().snapshot?.history.events ?? [];
    const rates = measuredRates(events);
    if (rates.peakWritesPerSec === 0 && rates.peakReadsPerSec === 0) {
      setNote('No writes or reads in the last 20 s of engine time: start the load generator first.');
      return;
    }
    setForm((f) => ({
      ...f,
      peakWritesPerSec: String(rates.peakWritesPerSec),
      peakReadsPerSec: String(rates.peakReadsPerSec),
    }));
    setNote(
      `Peak load of the last ${rates.seconds} s of engine time: ${rates.peakWritesPerSec} writes/s, ${rates.peakReadsPerSec} reads/s; a replica replayed up to ${rates.peakReplayPerSec} transactions/s.`,
    );
  };

  return (
    <section className="panel capacity" aria-labelledby="capacity-heading">
      <div className="panel-header">
        <h2 id="capacity-heading">Capacity and cost</h2>
        <p className="muted">The design document's numbers as defaults; every result is recomputed from the inputs.</p>
      </div>
      <form className="capacity-form" aria-label="Capacity inputs" onSubmit={(e) => e.preventDefault()}>
        {FIELD_GROUPS.map((group) => (
          <fieldset key={group.legend} className="capacity-fieldset">
            <legend>{group.legend}</legend>
            {group.fields.map((spec) => (
              <Field key={spec.key} spec={spec} text={form[spec.key]} onChange={(t) => set(spec.key, t)} />
            ))}
            {group.legend === 'Availability and cost' && (
              <label className="inline-field capacity-field">
                <input type="checkbox" checked={form.standby} onChange={(e) => set('standby', e.target.checked)} />
                Multi-AZ standby per primary (paid, serves no reads)
              </label>
            )}
          </fieldset>
        ))}
        <div className="choice-row capacity-buttons">
          <button type="button" onClick={takeMeasuredDowntime} disabled={measuredMs === undefined}>
            Use measured failover downtime
          </button>
          <button type="button" onClick={takeMeasuredLoad}>
            Use this run's peak load
          </button>
          <button
            type="button"
            onClick={() => {
              setForm(defaultForm());
              setNote("Back to the document's numbers.");
            }}
          >
            Document's numbers
          </button>
        </div>
        <p className="muted capacity-measured" data-testid="capacity-measured-downtime">
          {measuredMs === undefined
            ? 'No failover measured in this run yet: kill the primary and let it fail over.'
            : `This run's measured failover downtime: ${formatMs(measuredMs)} (first failed to first successful write).`}
        </p>
        <p className="capacity-note" role="status" aria-label="Capacity inputs changed">
          {note}
        </p>
      </form>
      {parsed.ok ? (
        <CapacityResults inputs={parsed.inputs} />
      ) : (
        <p className="error-text" role="alert">
          Fix these inputs: {parsed.invalid.join(', ')}.
        </p>
      )}
    </section>
  );
}
