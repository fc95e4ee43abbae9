/**
 * "Save this run as a scenario": the learner's commands so far (and the steps of the
 * scenario being played, if any) as a scenario file to download, which `npm run scenario`
 * and the scenario player play again to the same result. The saved file is also loaded
 * into the panel, ready to start.
 */
import { useState } from 'react';
import { describeError } from '../../page/format.ts';
import { exportRun } from '../../page/session.ts';
import { useLab } from '../../page/store.ts';
import type { Scenario } from '../../scenarios/schema.ts';

function download(scenario: Scenario, fileName: string): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(scenario, null, 2)}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  // The click has started the download; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function SaveRun({ onSaved }: { onSaved: (scenario: Scenario, source: string) => void }) {
  const running = useLab((s) => s.phase === 'running' && s.switching === undefined);
  const [error, setError] = useState<string | undefined>();
  const save = () => {
    try {
      const scenario = exportRun();
      const fileName = `replica-lab-run-seed-${scenario.seed}.json`;
      download(scenario, fileName);
      onSaved(scenario, fileName);
      setError(undefined);
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <div className="scenario-save">
      <button type="button" onClick={save} disabled={!running}>
        Save this run as a scenario
      </button>
      <span className="muted">
        {' '}
        Your commands so far, at the engine times you sent them, as a file that plays again here or with{' '}
        <code>npm run scenario</code>.
      </span>
      {error && <p role="alert">Could not save the run: {error}</p>}
    </div>
  );
}
