/**
 * Scenarios in the page: pick a preset or open a scenario file (validated with the CLI's
 * own messages; a bad file changes nothing), choose the seed, and play it on the visible
 * cluster under the clock controls. The steps are listed with the one the run has reached
 * highlighted; when the run ends its summary is the one `npm run scenario -- <file> --json
 * --seed N` prints, shown in words and as JSON to download.
 */

import { useEffect, useMemo, useState } from 'react';
import { isLessonFile } from '../../lessons/index.ts';
import { describeError, formatCount, formatEngineTime } from '../../page/format.ts';
import { playScenario } from '../../page/session.ts';
import { type ScenarioRunView, useLab } from '../../page/store.ts';
import type { ScenarioSummary } from '../../scenarios/runner.ts';
import {
  MAX_SCENARIO_BYTES,
  parseScenarioText,
  type Scenario,
  ScenarioError,
  stepTimes,
  tooLarge,
} from '../../scenarios/schema.ts';
import { SeedForm } from '../clock/SeedForm.tsx';
import { FileProblems } from '../shared/FileProblems.tsx';
import { JsonFileField } from '../shared/JsonFileField.tsx';
import { SaveRun } from './SaveRun.tsx';
import { currentStep, describeStep, presetScenarios } from './scenarioText.ts';
import './scenarios.css';

interface Loaded {
  /** Where it came from: a preset's id or the file's name. */
  source: string;
  scenario: Scenario;
}

interface LoadError {
  source: string;
  problems: string[];
}

/** Whether a file's text is a lesson (version 2), which the start page opens. */
function isLessonText(text: string): boolean {
  try {
    return isLessonFile(JSON.parse(text));
  } catch {
    return false;
  }
}

export function ScenarioPanel() {
  const presets = useMemo(presetScenarios, []);
  const run = useLab((s) => s.scenarioRun);
  const busy = useLab((s) => s.switching !== undefined || s.scenarioRun?.status === 'finishing');
  const [loaded, setLoaded] = useState<Loaded>(() => ({ source: presets[0].id, scenario: presets[0].scenario }));
  const [error, setError] = useState<LoadError | null>(null);
  const [seed, setSeed] = useState(String(presets[0].scenario.seed ?? 1));

  const choose = (next: Loaded) => {
    setLoaded(next);
    setError(null);
    setSeed(String(next.scenario.seed ?? 1));
  };
  const openFile = async (file: File) => {
    if (file.size > MAX_SCENARIO_BYTES) {
      // Not even read: a bad file loses nothing.
      setError({ source: file.name, problems: [tooLarge(file.name, file.size)] });
      return;
    }
    const text = await file.text();
    try {
      choose({ source: file.name, scenario: parseScenarioText(text, file.name) });
    } catch (err) {
      // The scenario loaded before stays: a bad file loses nothing.
      const problems = err instanceof ScenarioError ? err.problems : [describeError(err)];
      if (isLessonText(text))
        problems.unshift(
          `${file.name} is a lesson (version 2), not a scenario: open it on the start page, under "Your lessons"`,
        );
      setError({ source: file.name, problems });
    }
  };
  const isPreset = presets.some((p) => p.id === loaded.source);

  return (
    <section className="panel scenarios" aria-labelledby="scenarios-heading">
      <div className="panel-header">
        <h2 id="scenarios-heading">Scenarios</h2>
        <p className="muted">
          A lesson as data: the same file plays here and in <code>npm run scenario</code>, with the same result for the
          same seed.
        </p>
      </div>
      <div className="scenario-pickers">
        <label className="inline-field">
          Preset
          <select
            value={isPreset ? loaded.source : ''}
            onChange={(e) => {
              const preset = presets.find((p) => p.id === e.target.value);
              if (preset) choose({ source: preset.id, scenario: preset.scenario });
            }}
          >
            {!isPreset && <option value="">{loaded.source} (file)</option>}
            {presets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.scenario.name}
              </option>
            ))}
          </select>
        </label>
        <JsonFileField label="Open a scenario file" onFile={(file) => void openFile(file)} />
      </div>
      {error && <FileProblems source={error.source} what="a valid scenario" problems={error.problems} />}
      <ScenarioSteps scenario={loaded.scenario} run={run?.scenario === loaded.scenario ? run : undefined} />
      <SeedForm
        label="Scenario seed"
        value={seed}
        onChange={setSeed}
        onSubmit={(n) => void playScenario(loaded.scenario, n)}
        submitLabel="Start scenario"
        hint="Starts a fresh cluster with the scenario's settings; the clock controls work as usual."
        busy={busy}
        primary
      />
      {run && <ScenarioResult run={run} />}
      <SaveRun onSaved={(scenario, source) => choose({ source, scenario })} />
    </section>
  );
}

function ScenarioSteps({ scenario, run }: { scenario: Scenario; run?: ScenarioRunView }) {
  const nowMs = useLab((s) => s.snapshot?.nowMs ?? 0);
  const { times } = useMemo(() => stepTimes(scenario.steps), [scenario]);
  const current = run ? currentStep(scenario, nowMs) : -1;
  return (
    <div className="scenario-steps">
      <h3>{scenario.name}</h3>
      {scenario.description && <p className="muted">{scenario.description}</p>}
      <ol aria-label="Scenario steps">
        {scenario.steps.map((step, i) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: steps are a fixed list; their order is their identity
            key={i}
            className={i === current ? 'current' : i < current ? 'done' : undefined}
            aria-current={i === current ? 'step' : undefined}
          >
            <span className="scenario-step-time">{formatEngineTime(times[i])}</span> <code>{describeStep(step)}</code>
            {step.note && <span className="scenario-step-note"> {step.note}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

const STATUS_TEXT: Record<ScenarioRunView['status'], string> = {
  playing: 'Playing: the clock stops by itself at the last step.',
  finishing: 'Last step reached: letting in-flight work finish and replication drain…',
  done: 'Finished.',
  failed: 'The run failed.',
};

function ScenarioResult({ run }: { run: ScenarioRunView }) {
  const { summary } = run;
  return (
    <section className="scenario-result" aria-label="Scenario result">
      <p role="status">
        {run.scenario.name}, seed {run.seed}: {STATUS_TEXT[run.status]} {run.error}
      </p>
      {summary && <SummaryFacts summary={summary} ownCommands={run.ownCommands ?? 0} />}
    </section>
  );
}

function SummaryFacts({ summary, ownCommands }: { summary: ScenarioSummary; ownCommands: number }) {
  const json = JSON.stringify(summary, null, 2);
  const download = useMemo(() => URL.createObjectURL(new Blob([json], { type: 'application/json' })), [json]);
  useEffect(() => () => URL.revokeObjectURL(download), [download]);
  const failover = summary.failovers.at(-1);
  return (
    <>
      {ownCommands > 0 && (
        <p className="warning-text">
          You sent {ownCommands} command{ownCommands === 1 ? '' : 's'} of your own during the run, so this result is
          yours: the CLI, which runs only the file's steps, will differ.
        </p>
      )}
      <dl className="facts">
        <dt>Stale reads</dt>
        <dd data-testid="summary-stale">{summary.staleReads}</dd>
        <dt>Read-your-writes violations</dt>
        <dd>{summary.rywViolations}</dd>
        <dt>Monotonic-read violations</dt>
        <dd>{summary.monotonicViolations}</dd>
        <dt>Lost writes</dt>
        <dd>{summary.lostWrites.length ? `orders ${summary.lostWrites.join(', ')}` : 'none'}</dd>
        <dt>Failed writes</dt>
        <dd>{summary.failedWrites}</dd>
        <dt>Downtime</dt>
        <dd>{failover?.downtimeMs != null ? `${formatCount(failover.downtimeMs)} ms` : '—'}</dd>
        <dt>Replicas converged</dt>
        <dd>{summary.converged ? 'yes' : `no: ${summary.differing.join(', ')}`}</dd>
        <dt>Drained at</dt>
        <dd>{formatEngineTime(summary.drainedAtMs)}</dd>
      </dl>
      <details>
        <summary>Summary as JSON (what the CLI prints with --json)</summary>
        <a href={download} download={`${summary.scenario}-seed-${summary.seed}.json`}>
          Download the summary
        </a>
        {/* It scrolls, so keyboards must reach it (tabIndex) and screen readers need its name. */}
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable */}
        <section className="json-scroll" aria-label="Summary JSON" tabIndex={0}>
          <pre data-testid="scenario-summary-json">{json}</pre>
        </section>
      </details>
    </>
  );
}

/**
 * While a scenario plays, one line at the top of the page: which step it has reached and
 * the instructor's note for it, so the class need not scroll to the steps list.
 */
export function ScenarioStrip() {
  const run = useLab((s) => s.scenarioRun);
  const nowMs = useLab((s) => s.snapshot?.nowMs ?? 0);
  if (!run || run.status === 'done') return null;
  const { steps } = run.scenario;
  const index = currentStep(run.scenario, nowMs);
  const step = index >= 0 ? steps[index] : undefined;
  return (
    <section className="scenario-strip" aria-label="Scenario progress">
      <strong>{run.scenario.name}</strong>{' '}
      {step ? (
        <>
          step {index + 1} of {steps.length}: <code>{describeStep(step)}</code>
          {step.note && <span className="scenario-step-note"> {step.note}</span>}
        </>
      ) : (
        `starts in ${formatEngineTime(stepTimes(steps).times[0] - nowMs)}`
      )}
      {run.status !== 'playing' && <span className="muted"> · {STATUS_TEXT[run.status]}</span>}
    </section>
  );
}
