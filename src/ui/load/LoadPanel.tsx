/**
 * The load generator: simulated users placing orders and reading through the load
 * balancer at the given rates (seeded Poisson arrivals in engine time). Start and stop.
 */
import { useState } from 'react';
import { sendCommand } from '../../page/commands.ts';
import { useLab } from '../../page/store.ts';
import './load.css';

/** Real PGlite nodes answer every operation: far below the seed's 1,400 writes/s and 9,600 reads/s. */
const MAX_RATE = 1000;

function isValidRate(text: string): boolean {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= MAX_RATE;
}

export function LoadPanel() {
  const load = useLab((s) => s.snapshot?.app.load);
  const lastReplica = useLab((s) => s.snapshot?.replication.at(-1)?.name ?? 'the last replica');
  const [writes, setWrites] = useState('20');
  const [reads, setReads] = useState('80');
  const valid = isValidRate(writes) && isValidRate(reads);
  return (
    <section className="panel" aria-labelledby="load-heading">
      <h2 id="load-heading">Load generator</h2>
      <p className="muted intro">
        Simulated users place orders and read through the load balancer. Reads follow the seed's mix: 66% browse
        products, 17% my orders, 17% analytics on {lastReplica}.
      </p>
      <form
        className="load-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (load) void sendCommand({ do: 'stopLoad' });
          else if (valid)
            void sendCommand({ do: 'startLoad', writesPerSec: Number(writes), readsPerSec: Number(reads) });
        }}
      >
        <RateField label="Writes/s" text={writes} running={load?.writesPerSec} onChange={setWrites} />
        <RateField label="Reads/s" text={reads} running={load?.readsPerSec} onChange={setReads} />
        <button type="submit" className={load ? 'danger-button' : 'primary-button'} disabled={!load && !valid}>
          {load ? 'Stop load' : 'Start load'}
        </button>
      </form>
      <p role="status" aria-label="Load generator state" className="load-state">
        {load
          ? `Running: ${load.writesPerSec} writes/s and ${load.readsPerSec} reads/s from ${load.users} users.`
          : 'Stopped.'}
      </p>
    </section>
  );
}

/** One rate: what is typed, or (while the load runs, locked) the running rate. */
function RateField(props: { label: string; text: string; running?: number; onChange: (text: string) => void }) {
  return (
    <label className="field">
      {props.label}
      <input
        type="number"
        className="ms-input"
        min={0}
        max={MAX_RATE}
        required
        disabled={props.running !== undefined}
        value={props.running !== undefined ? String(props.running) : props.text}
        aria-invalid={!isValidRate(props.text)}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}
