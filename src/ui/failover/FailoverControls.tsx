/**
 * The failover manager's settings: automatic failover and fencing on or off, which
 * replica to promote (the seed's "always Replica 1" or Patroni/Orchestrator's most
 * up-to-date), the health check and how long each phase takes, and the seed's 20 s
 * timeline as a preset. Reads the snapshot and the settings the page sent; sends commands.
 */
import { useId } from 'react';
import {
  type Command,
  type FailoverTimings,
  type HealthCheckSettings,
  PROMOTION_POLICIES,
} from '../../engine/index.ts';
import { applySeedTimeline, sendCommand } from '../../page/commands.ts';
import { useLab } from '../../page/store.ts';
import { FENCING_TEXT, HEALTH_CHECK_TEXT, POLICY_TEXT, SEED_TIMELINE_TEXT } from '../replication/replicationText.ts';
import { Choice } from '../shared/Choice.tsx';
import { NumberField } from '../shared/NumberField.tsx';
import { usePending } from '../shared/usePending.ts';
import './failover.css';

const MAX_MS = 60_000;

const HEALTH_FIELDS: { key: keyof HealthCheckSettings; label: string; min: number; max: number; title: string }[] = [
  { key: 'intervalMs', label: 'Interval (ms)', min: 100, max: MAX_MS, title: 'Time between two health checks' },
  {
    key: 'timeoutMs',
    label: 'Timeout per check (ms)',
    min: 1,
    max: MAX_MS,
    title: 'A check with no answer within this long has failed',
  },
  { key: 'retries', label: 'Retries', min: 1, max: 20, title: 'Failed checks in a row that declare the primary dead' },
];

const PHASE_FIELDS: { key: keyof FailoverTimings; label: string; title: string }[] = [
  { key: 'electMs', label: 'Elect (ms)', title: 'Choosing the replica to promote (leader election)' },
  { key: 'promoteMs', label: 'Promote (ms)', title: 'Replaying what it received, then accepting writes' },
  { key: 'repointMs', label: 'Repoint (ms)', title: 'Pointing the other replicas at the new primary' },
  { key: 'endpointMs', label: 'Endpoint (ms)', title: 'Moving the endpoint clients write to (DNS, proxy, virtual IP)' },
];

/** Sends `command`; resolves with whether the engine took it (for a pending checkbox). */
const sent = (command: Command) => sendCommand(command).then((s) => s.ok);

export function FailoverControls() {
  // The engine's settings (a scenario's steps and a step back change them too).
  const failover = useLab((s) => s.tableSnapshot?.failover);
  const [auto, sendAuto] = usePending(failover?.auto);
  const [fenced, sendFencing] = usePending(failover?.fencing);
  const fencingTextId = useId();
  const seedTextId = useId();
  if (!failover || fenced === undefined) return null;
  const { promotionPolicy: policy, healthCheck: health, timings } = failover;
  return (
    <div className="subpanel">
      <h3>Failover settings</h3>
      <div className="choice-row">
        <label className="inline-field">
          <input
            type="checkbox"
            checked={auto}
            onChange={(e) => sendAuto(e.target.checked, sent({ do: 'setAutoFailover', on: e.target.checked }))}
          />
          Automatic failover
        </label>
        <label className="inline-field">
          <input
            type="checkbox"
            checked={fenced}
            aria-describedby={fencingTextId}
            onChange={(e) => sendFencing(e.target.checked, sent({ do: 'setFencing', on: e.target.checked }))}
          />
          Fencing (STONITH)
        </label>
      </div>
      <p id={fencingTextId} className="choice-text">
        {FENCING_TEXT}
      </p>
      <Choice
        label="Promotion policy"
        value={policy}
        options={PROMOTION_POLICIES}
        text={POLICY_TEXT}
        onChange={(p) => void sendCommand({ do: 'setPromotionPolicy', policy: p })}
      />
      <div className="failover-fieldsets">
        <fieldset>
          <legend>Health check</legend>
          <div className="choice-row">
            {HEALTH_FIELDS.map((f) => (
              <NumberField
                key={f.key}
                label={f.label}
                title={f.title}
                value={health[f.key]}
                min={f.min}
                max={f.max}
                step={f.key === 'retries' ? 1 : 100}
                onCommit={(v) => void sendCommand({ do: 'setHealthCheck', [f.key]: v })}
              />
            ))}
          </div>
          <p className="choice-text muted">{HEALTH_CHECK_TEXT}</p>
        </fieldset>
        <fieldset>
          <legend>Phase durations</legend>
          <div className="choice-row">
            {PHASE_FIELDS.map((f) => (
              <NumberField
                key={f.key}
                label={f.label}
                title={f.title}
                value={timings[f.key]}
                min={0}
                max={MAX_MS}
                step={100}
                onCommit={(v) => void sendCommand({ do: 'setFailoverTimings', [f.key]: v })}
              />
            ))}
          </div>
        </fieldset>
      </div>
      <div className="choice">
        <button type="button" aria-describedby={seedTextId} onClick={() => void applySeedTimeline()}>
          Seed's 20 s timeline
        </button>
        <p id={seedTextId} className="choice-text">
          {SEED_TIMELINE_TEXT}
        </p>
      </div>
    </div>
  );
}
