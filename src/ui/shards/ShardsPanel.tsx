/**
 * The sharding panel: shard the shop's orders (strategy, shard count, virtual nodes or
 * logical shards, the id scheme), then the shards' topology with rows moving during a
 * resharding, the phases strip, the row ledger, the distribution chart, the colliding ids,
 * the key probe and the scatter query; add or remove a shard, or move a logical shard,
 * live. Everything shown comes from the snapshot (`ClusterSnapshot.sharding`) and the row
 * ledger; every control sends a command.
 */
import { useState } from 'react';
import {
  DEFAULT_LOGICAL_SHARDS,
  ID_MODES,
  type IdMode,
  MAX_LOGICAL_SHARDS,
  MAX_SHARDS,
  MAX_VNODES,
  MIN_SHARDS,
  SHARDING_STRATEGIES,
  type ShardingSnapshot,
  type ShardingStrategy,
} from '../../engine/index.ts';
import { sendCommand } from '../../page/commands.ts';
import { formatIds } from '../../page/format.ts';
import { currentRowLedger } from '../../page/shards.ts';
import { useLab } from '../../page/store.ts';
import { Choice } from '../shared/Choice.tsx';
import { isWholeNumberIn } from '../shared/NumberField.tsx';
import { DistributionChart } from './DistributionChart.tsx';
import { LedgerLine, ReshardStrip } from './ReshardStrip.tsx';
import { ProbeForm, ScatterForm } from './ShardQueries.tsx';
import { ShardTopology } from './ShardTopology.tsx';
import { ID_TEXT, STRATEGY_TEXT } from './shardText.ts';
import './shards.css';

function SetupForm() {
  const [strategy, setStrategy] = useState<ShardingStrategy>('modulo');
  const [shards, setShards] = useState('4');
  const [vnodes, setVnodes] = useState('64');
  const [logical, setLogical] = useState(String(DEFAULT_LOGICAL_SHARDS));
  const [ids, setIds] = useState<IdMode>('serial');
  const valid =
    isWholeNumberIn(shards, MIN_SHARDS, MAX_SHARDS) &&
    (strategy !== 'ring' || isWholeNumberIn(vnodes, 1, MAX_VNODES)) &&
    (strategy !== 'hash-ranges' || isWholeNumberIn(logical, MIN_SHARDS, MAX_LOGICAL_SHARDS));
  const submit = () => {
    if (!valid) return;
    void sendCommand({
      do: 'setSharding',
      strategy,
      shards: Number(shards),
      ids,
      ...(strategy === 'ring' ? { vnodes: Number(vnodes) } : {}),
      ...(strategy === 'hash-ranges' ? { logicalShards: Number(logical) } : {}),
    });
  };
  const numberField = (label: string, text: string, set: (t: string) => void, min: number, max: number) => (
    <label className="field">
      {label}
      <input
        type="number"
        className="ms-input"
        min={min}
        max={max}
        value={text}
        aria-invalid={!isWholeNumberIn(text, min, max)}
        onChange={(e) => set(e.target.value)}
      />
    </label>
  );
  return (
    <form
      className="shard-setup"
      aria-label="Shard the orders"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Choice
        label="Strategy"
        value={strategy}
        options={SHARDING_STRATEGIES}
        text={STRATEGY_TEXT}
        onChange={setStrategy}
      />
      <div className="choice-row">
        {numberField('Shards', shards, setShards, MIN_SHARDS, MAX_SHARDS)}
        {strategy === 'ring' && numberField('Virtual nodes per shard', vnodes, setVnodes, 1, MAX_VNODES)}
        {strategy === 'hash-ranges' &&
          numberField('Logical shards', logical, setLogical, MIN_SHARDS, MAX_LOGICAL_SHARDS)}
      </div>
      <Choice label="Order ids" value={ids} options={ID_MODES} text={ID_TEXT} onChange={setIds} />
      <button type="submit" className="primary-button" disabled={!valid}>
        Shard the orders
      </button>
    </form>
  );
}

function ShardControls({ sharding }: { sharding: ShardingSnapshot }) {
  const serving = sharding.shards.filter((s) => s.state === 'serving');
  const [remove, setRemove] = useState('');
  const [logical, setLogical] = useState('0');
  const [to, setTo] = useState('');
  const down = sharding.shards.filter((s) => s.down).map((s) => s.name);
  const busy = sharding.move !== null || down.length > 0;
  const removing = serving.some((s) => s.name === remove) ? remove : serving.at(-1)?.name;
  const target = serving.some((s) => s.name === to) ? to : serving[0]?.name;
  const count = sharding.logicalShards ?? DEFAULT_LOGICAL_SHARDS;
  return (
    <div className="choice-row shard-controls">
      <button
        type="button"
        disabled={busy || serving.length >= MAX_SHARDS}
        onClick={() => void sendCommand({ do: 'addShard' })}
      >
        Add a shard
      </button>
      <label className="field">
        Shard to remove
        <select value={removing} onChange={(e) => setRemove(e.target.value)}>
          {serving.map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
      </label>
      <button
        type="button"
        disabled={busy || serving.length <= MIN_SHARDS || !removing}
        onClick={() => removing && void sendCommand({ do: 'removeShard', shard: removing })}
      >
        Remove shard
      </button>
      {sharding.strategy === 'hash-ranges' && (
        <>
          <label className="field">
            Logical shard
            <input
              type="number"
              className="ms-input"
              min={0}
              max={count - 1}
              value={logical}
              aria-invalid={!isWholeNumberIn(logical, 0, count - 1)}
              onChange={(e) => setLogical(e.target.value)}
            />
          </label>
          <label className="field">
            Move to
            <select value={target} onChange={(e) => setTo(e.target.value)}>
              {serving.map((s) => (
                <option key={s.name}>{s.name}</option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={busy || !target || !isWholeNumberIn(logical, 0, count - 1)}
            onClick={() => target && void sendCommand({ do: 'moveShard', logicalShard: Number(logical), to: target })}
          >
            Move logical shard
          </button>
        </>
      )}
      {sharding.move !== null && <span className="muted">One move at a time: wait for this one to finish.</span>}
      {down.length > 0 && <span className="muted">{down.join(', ')} is down: restart it before moving rows.</span>}
    </div>
  );
}

/** Kill a shard, or restart a killed one: its users lose their orders and reads, the others do not. */
function ShardFaults({ sharding }: { sharding: ShardingSnapshot }) {
  const live = sharding.shards.filter((s) => s.state !== 'removed');
  const [chosen, setChosen] = useState('');
  const shard = live.find((s) => s.name === chosen) ?? live.find((s) => s.down) ?? live[0];
  if (!shard) return null;
  const moving = sharding.move !== null;
  return (
    <div className="choice-row shard-controls">
      <label className="field">
        Shard
        <select value={shard.name} onChange={(e) => setChosen(e.target.value)}>
          {live.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
              {s.down ? ' (down)' : ''}
            </option>
          ))}
        </select>
      </label>
      {shard.down ? (
        <button type="button" onClick={() => void sendCommand({ do: 'restartShard', shard: shard.name })}>
          Restart shard
        </button>
      ) : (
        <button
          type="button"
          disabled={moving}
          onClick={() => void sendCommand({ do: 'killShard', shard: shard.name })}
        >
          Kill shard
        </button>
      )}
      <span className="muted">
        {shard.down
          ? `${shard.name}'s ${shard.users} users cannot order or read; every other user can.`
          : 'A killed shard fails only its own users (and every scatter query).'}
      </span>
    </div>
  );
}

function Duplicates({ sharding }: { sharding: ShardingSnapshot }) {
  const dup = sharding.duplicateIds;
  const shown = `${formatIds(dup.slice(0, 12))}${dup.length > 12 ? '…' : ''}`;
  // While a move copies rows, the source keeps its copies until clean-up: those ids are on two shards by design.
  const copying = sharding.move !== null && sharding.ids === 'global';
  return (
    <p
      className={dup.length > 0 && !copying ? 'shard-duplicates error-text' : 'shard-duplicates'}
      role="status"
      aria-label="Duplicate order ids"
      data-count={dup.length}
    >
      {dup.length === 0
        ? `No order id exists on two shards (ids: ${ID_TEXT[sharding.ids].label.toLowerCase()}).`
        : copying
          ? `${dup.length} order ids are on two shards while the move copies them (the source keeps its rows until clean-up): ${shown}.`
          : `${dup.length} order ids exist on more than one shard (each shard's serial counts on its own): ${shown}. Global ids fix it.`}
    </p>
  );
}

export function ShardsPanel() {
  const sharding = useLab((s) => s.snapshot?.sharding);
  const nowMs = useLab((s) => s.snapshot?.nowMs ?? 0);
  const move = sharding ? (sharding.move ?? sharding.moves.at(-1)) : undefined;
  const held = sharding ? sharding.shards.filter((s) => s.state !== 'removed').reduce((a, s) => a + s.rows, 0) : 0;
  return (
    <section className="panel shards" aria-labelledby="shards-heading">
      <div className="panel-header">
        <h2 id="shards-heading">Sharding</h2>
        <p className="muted">
          Each shard is a real PostgreSQL (PGlite) primary; the app tier's router sends each user's orders to one.
        </p>
      </div>
      {!sharding && <SetupForm />}
      {sharding && (
        <>
          <p className="choice-text" data-testid="shard-config">
            Sharded by {STRATEGY_TEXT[sharding.strategy].label}
            {sharding.vnodes ? ` with ${sharding.vnodes} virtual nodes per shard` : ''}
            {sharding.logicalShards ? ` over ${sharding.logicalShards} logical shards` : ''}; order ids:{' '}
            {ID_TEXT[sharding.ids].label.toLowerCase()}. To start over with other settings, reset the lab (Run &amp;
            export).
          </p>
          <ShardControls sharding={sharding} />
          <ShardFaults sharding={sharding} />
          <ShardTopology sharding={sharding} nowMs={nowMs} />
          {move && <ReshardStrip move={move} />}
          <LedgerLine ledger={currentRowLedger()} heldRows={held} moving={sharding.move !== null} />
          <Duplicates sharding={sharding} />
          <DistributionChart sharding={sharding} />
          <div className="shard-queries">
            <ProbeForm sharding={sharding} />
            <ScatterForm sharding={sharding} />
          </div>
        </>
      )}
    </section>
  );
}
