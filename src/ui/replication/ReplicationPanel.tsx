/**
 * "Replication & failover": when the primary may acknowledge a commit (async, MySQL
 * semi-sync, PostgreSQL sync with its synchronous_commit level and
 * synchronous_standby_names), for orders, products or both; the mode in effect (and
 * whether semi-sync fell back to async); the commits stuck waiting for standbys; and the
 * failover manager's settings. Reads the snapshot; sends commands.
 */
import { useId, useState } from 'react';
import {
  type DataKind,
  describeMode,
  formatStandbyNames,
  modeCommand,
  parseStandbyNames,
  type ReplicationMode,
  SEMI_SYNC_TIMEOUT_MS,
  SYNC_LEVELS,
  type SyncLevel,
} from '../../engine/index.ts';
import { sendCommand } from '../../page/commands.ts';
import { describeError, formatCount, formatIds, formatMs } from '../../page/format.ts';
import { useLab } from '../../page/store.ts';
import { FailoverControls } from '../failover/FailoverControls.tsx';
import { CheckedMark } from '../shared/CheckedMark.tsx';
import { isWholeNumberIn } from '../shared/NumberField.tsx';
import { LEVEL_TEXT, MODE_NAMES, MODE_TEXT, type ModeName } from './replicationText.ts';
import './replication.css';

type Kind = 'all' | DataKind;
const KIND_LABEL: Record<Kind, string> = { all: 'Orders and products', orders: 'Orders', products: 'Products' };
const KINDS = Object.keys(KIND_LABEL) as Kind[];

/** MySQL accepts up to 2^32-1 ms; a minute is plenty to watch it fall back. */
const MAX_SEMI_SYNC_TIMEOUT_MS = 600_000;

export function ReplicationPanel() {
  return (
    <section className="panel" aria-labelledby="replication-heading">
      <h2 id="replication-heading">Replication &amp; failover</h2>
      <p className="muted intro">
        When may the primary tell the customer "order placed"? The answer decides what a failover can lose.
      </p>
      <CheckedMark behaviours={['sync-levels', 'sync-no-standby']} />
      <ModeForm />
      <StuckWrites />
      <FailoverControls />
    </section>
  );
}

/** The form's text as typed; it becomes a ReplicationMode only when valid. */
interface Draft {
  mode: ModeName;
  timeoutMs: string;
  level: SyncLevel;
  standbys: string;
}

function draftOf(mode: ReplicationMode, firstReplica: string): Draft {
  return {
    mode: mode.mode,
    timeoutMs: String(mode.mode === 'semi-sync' ? mode.timeoutMs : SEMI_SYNC_TIMEOUT_MS),
    level: mode.mode === 'sync' ? mode.level : 'on',
    standbys: mode.mode === 'sync' ? formatStandbyNames(mode.standbys) : `FIRST 1 (${firstReplica})`,
  };
}

/** The mode the draft describes, or what is wrong with it. */
function modeOf(draft: Draft): { mode: ReplicationMode } | { error: string } {
  if (draft.mode === 'async') return { mode: { mode: 'async' } };
  if (draft.mode === 'semi-sync') {
    return isWholeNumberIn(draft.timeoutMs, 0, MAX_SEMI_SYNC_TIMEOUT_MS)
      ? { mode: { mode: 'semi-sync', timeoutMs: Number(draft.timeoutMs) } }
      : {
          error: `The timeout must be a whole number of ms from 0 to ${formatCount(MAX_SEMI_SYNC_TIMEOUT_MS)}`,
        };
  }
  try {
    return { mode: { mode: 'sync', level: draft.level, standbys: parseStandbyNames(draft.standbys) } };
  } catch (err) {
    return { error: describeError(err) };
  }
}

function ModeForm() {
  const modes = useLab((s) => s.tableSnapshot?.replicationModes);
  const firstReplica = useLab((s) => s.tableSnapshot?.replication[0]?.name ?? 'replica-1');
  const [kind, setKind] = useState<Kind>('all');
  // null: show the engine's mode for the chosen kind; otherwise what the learner is editing.
  const [edited, setEdited] = useState<Draft | null>(null);
  const [refused, setRefused] = useState<string | undefined>();
  const headingId = useId();
  const modeTextId = useId();
  const levelTextId = useId();
  const errorId = useId();
  if (!modes) return null;
  const draft = edited ?? draftOf(modes[kind === 'products' ? 'products' : 'orders'], firstReplica);
  const parsed = modeOf(draft);
  const error = 'error' in parsed ? parsed.error : refused;
  const edit = (change: Partial<Draft>) => {
    setEdited({ ...draft, ...change });
    setRefused(undefined);
  };
  return (
    <form
      className="subpanel"
      aria-labelledby={headingId}
      onSubmit={(e) => {
        e.preventDefault();
        if (!('mode' in parsed)) return;
        void sendCommand(modeCommand(parsed.mode, kind === 'all' ? undefined : kind)).then((sent) => {
          setRefused(sent.ok ? undefined : sent.error);
          if (sent.ok) setEdited(null);
        });
      }}
    >
      <h3 id={headingId}>Replication mode</h3>
      <div className="choice-row">
        <label className="field">
          Mode
          <select
            value={draft.mode}
            aria-describedby={modeTextId}
            onChange={(e) => edit({ mode: e.target.value as ModeName })}
          >
            {MODE_NAMES.map((m) => (
              <option key={m} value={m}>
                {MODE_TEXT[m].label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Applies to
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        {draft.mode === 'semi-sync' && (
          <label className="field" title="MySQL's rpl_semi_sync_source_timeout (default 10,000 ms)">
            Fall back to async after (ms)
            <input
              type="number"
              className="ms-input"
              min={0}
              max={MAX_SEMI_SYNC_TIMEOUT_MS}
              step={1000}
              value={draft.timeoutMs}
              aria-invalid={'error' in parsed}
              aria-describedby={errorId}
              onChange={(e) => edit({ timeoutMs: e.target.value })}
            />
          </label>
        )}
        {draft.mode === 'sync' && (
          <>
            <label className="field">
              synchronous_commit
              <select
                value={draft.level}
                aria-describedby={levelTextId}
                onChange={(e) => edit({ level: e.target.value as SyncLevel })}
              >
                {SYNC_LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {LEVEL_TEXT[l].label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              synchronous_standby_names
              <input
                type="text"
                className="replication-standby-names"
                spellCheck={false}
                value={draft.standbys}
                aria-invalid={'error' in parsed}
                aria-describedby={errorId}
                onChange={(e) => edit({ standbys: e.target.value })}
              />
            </label>
          </>
        )}
        <button type="submit" className="primary-button" disabled={'error' in parsed}>
          Apply mode
        </button>
      </div>
      <p id={modeTextId} className="choice-text">
        {MODE_TEXT[draft.mode].text}
      </p>
      {draft.mode === 'sync' && (
        <p id={levelTextId} className="choice-text">
          <code>synchronous_commit = {draft.level}</code>: {LEVEL_TEXT[draft.level].text}
        </p>
      )}
      <p id={errorId} className="choice-text error-text" aria-live="polite">
        {error}
      </p>
      <EffectiveModes />
    </form>
  );
}

/** The mode each kind of data runs under now, and whether semi-sync fell back to async. */
function EffectiveModes() {
  const modes = useLab((s) => s.tableSnapshot?.replicationModes);
  if (!modes) return null;
  return (
    <div role="status" aria-label="Replication mode in effect" className="replication-effective">
      <span className="muted">In effect:</span>
      {(['orders', 'products'] as const).map((k) => {
        const m = modes[k];
        return (
          <span key={k} data-testid={`mode-${k}`}>
            {KIND_LABEL[k]} <strong>{describeMode(m)}</strong>
            {m.fallenBack && (
              <>
                {' '}
                <span className="badge badge-fallback">fell back to async</span>
                <span className="warning-text">
                  {' '}
                  no replica acknowledged in time: commits are acknowledged at once until a replica catches up
                </span>
              </>
            )}
          </span>
        );
      })}
    </div>
  );
}

/** Commits waiting for their standbys (sync with none reachable waits forever). */
function StuckWrites() {
  const waiting = useLab((s) => s.tableSnapshot?.waitingCommits);
  const nowMs = useLab((s) => s.tableSnapshot?.nowMs ?? 0);
  const headingId = useId();
  if (!waiting) return null;
  return (
    <div className="subpanel">
      <h3 id={headingId}>Stuck writes</h3>
      {waiting.length === 0 ? (
        <p className="muted choice-text">None: no commit is waiting for a standby.</p>
      ) : (
        <>
          <p className="choice-text">
            These customers are still waiting for "order placed". While a commit waits, other sessions on the primary do
            not see its row (PostgreSQL). The lab hides it only from "my orders": its SQL console on the primary still
            shows it.
          </p>
          <ul className="plain-list" aria-labelledby={headingId}>
            {waiting.map((w) => (
              <li key={w.op}>
                {w.orderIds.length > 0 ? `Order ${formatIds(w.orderIds)}` : `Transaction ${w.entry}`} ({w.kind}) waiting{' '}
                {formatMs(nowMs - w.sinceMs)} for <strong>{w.waitingFor.join(', ')}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
