/**
 * A move's phases on a strip (copy, catch-up, verify, switch reads, switch writes, clean
 * up), each done, running or pending with its engine times, the copy's progress, the
 * verify step's counts and checksums, rows moved against theory and the write pause; then
 * the row ledger (rows sharded + writes acknowledged against rows held: nothing lost).
 */
import { RESHARD_PHASES, type ShardMoveSnapshot } from '../../engine/index.ts';
import { formatEngineTime } from '../../page/format.ts';
import type { RowLedger } from '../../page/shards.ts';
import { ledgerVerdict } from '../../page/shards.ts';
import { describeMoved, describeMoveKind, describePause, PHASE_TEXT, phaseState } from './shardText.ts';

export function ReshardStrip({ move }: { move: ShardMoveSnapshot }) {
  const running = move.phase !== 'done' && move.phase !== 'failed';
  return (
    <section className="reshard" aria-labelledby="reshard-heading">
      <h3 id="reshard-heading">
        {describeMoveKind(move)}{' '}
        <span className="muted" data-testid="reshard-status">
          {running ? `(${PHASE_TEXT[move.phase as keyof typeof PHASE_TEXT].label})` : `(${move.phase})`}
        </span>
      </h3>
      <ol className="reshard-phases" aria-label="Resharding phases">
        {RESHARD_PHASES.map((phase) => {
          const state = phaseState(move, phase);
          const record = move.phases.find((p) => p.phase === phase);
          return (
            <li
              key={phase}
              className={`reshard-phase reshard-phase-${state}`}
              data-state={state}
              aria-current={state === 'running' ? 'step' : undefined}
              title={PHASE_TEXT[phase].text}
            >
              <span className="reshard-phase-name">{PHASE_TEXT[phase].label}</span>
              <span className="reshard-phase-state">
                {state}
                {record ? ` · ${formatEngineTime(record.startedAt)}` : ''}
              </span>
            </li>
          );
        })}
      </ol>
      <p className="choice-text" data-testid="reshard-moved">
        {describeMoved(move)}
      </p>
      {move.verify && (
        <p className="choice-text" data-testid="reshard-verify">
          Verify: source {move.verify.sourceRows} rows ({move.verify.sourceChecksum}), target {move.verify.targetRows}{' '}
          rows ({move.verify.targetChecksum}): {move.verify.ok ? 'equal' : 'DIFFERENT'}
        </p>
      )}
      <p className="choice-text" data-testid="reshard-pause">
        {describePause(move)}
      </p>
      {move.error && (
        <p className="error-text" role="alert">
          {move.error}
        </p>
      )}
    </section>
  );
}

export function LedgerLine({ ledger, heldRows, moving }: { ledger: RowLedger; heldRows: number; moving: boolean }) {
  const verdict = ledgerVerdict(ledger, heldRows, moving);
  return (
    <p
      className={`shard-ledger shard-ledger-${verdict.kind}`}
      role="status"
      aria-label="Row ledger"
      data-kind={verdict.kind}
    >
      {verdict.text}
    </p>
  );
}
