/**
 * How the app servers route reads: the read policy, the read-your-writes strategy (with
 * its one number, where it takes one) and where sessions live. Each choice says in one
 * line what it does and which real system does it. Reads the snapshot; sends commands.
 */
import { useId, useState } from 'react';
import {
  READ_POLICIES,
  type ReadPolicy,
  RYW_STRATEGIES,
  type RywStrategy,
  type SessionStore,
} from '../../engine/index.ts';
import { sendCommand } from '../../page/commands.ts';
import { useLab } from '../../page/store.ts';
import { Choice } from '../shared/Choice.tsx';
import {
  MAX_RYW_PARAM_MS,
  type OptionText,
  paramOf,
  READ_POLICY_TEXT,
  RYW_TEXT,
  type RywParam,
  SESSION_STORE_TEXT,
} from './routingText.ts';
import './routing.css';

const SESSION_STORES: readonly SessionStore[] = ['per-app-server', 'shared'];

type Kind = 'all' | 'orders' | 'products';
const KIND_LABEL: Record<Kind, string> = {
  all: 'All reads',
  orders: 'Orders (my orders)',
  products: 'Products (browse)',
};

export function RoutingPanel() {
  const app = useLab((s) => s.snapshot?.app);
  const [kind, setKind] = useState<Kind>('all');
  const rywTextId = useId();
  if (!app) return null;
  const { orders, products } = app.strategies;
  const strategy = kind === 'products' ? products : orders;
  const mixed = kind === 'all' && JSON.stringify(orders) !== JSON.stringify(products);
  const forKind = kind === 'all' ? undefined : kind;
  const kindField = forKind ? { kind: forKind } : {};
  return (
    <section className="panel" aria-labelledby="routing-heading">
      <h2 id="routing-heading">Routing</h2>
      <p className="muted intro">
        {app.servers.length} app servers ({app.servers.join(', ')}) behind a load balancer route every read: the
        read-your-writes rule first, then the read policy.
      </p>
      <div className="routing-choices">
        <Choice
          label="Read policy"
          value={app.readPolicy}
          options={READ_POLICIES}
          text={READ_POLICY_TEXT}
          onChange={(p: ReadPolicy) => void sendCommand({ do: 'setReadPolicy', policy: p })}
        />
        <div className="choice">
          <div className="choice-row">
            <Choice
              label="Read-your-writes strategy"
              value={strategy.name}
              options={RYW_STRATEGIES}
              text={RYW_TEXT}
              onChange={(name) => void sendCommand({ do: 'setRywStrategy', strategy: name, ...kindField })}
              describedBy={rywTextId}
            />
            <label className="field">
              Applies to
              <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
                {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABEL[k]}
                  </option>
                ))}
              </select>
            </label>
            <StrategyParam strategy={strategy} kind={forKind} />
          </div>
          <p id={rywTextId} className="choice-text">
            {RYW_TEXT[strategy.name].text}
          </p>
          {mixed && (
            <p className="choice-text warning-text">
              Orders use {RYW_TEXT[orders.name].label.toLowerCase()}, products{' '}
              {RYW_TEXT[products.name].label.toLowerCase()}; a choice here sets both.
            </p>
          )}
        </div>
        <Choice
          label="Session store"
          value={app.sessionStore}
          options={SESSION_STORES}
          text={SESSION_STORE_TEXT}
          onChange={(s: SessionStore) => void sendCommand({ do: 'setSessionStore', store: s })}
        />
      </div>
      <details className="routing-explain">
        <summary>What each option does</summary>
        <OptionList title="Read policy" options={READ_POLICIES} text={READ_POLICY_TEXT} />
        <OptionList title="Read-your-writes strategy" options={RYW_STRATEGIES} text={RYW_TEXT} />
        <OptionList title="Session store" options={SESSION_STORES} text={SESSION_STORE_TEXT} />
      </details>
    </section>
  );
}

function isValidMs(text: string): boolean {
  const ms = Number(text);
  return text.trim() !== '' && Number.isInteger(ms) && ms >= 0 && ms <= MAX_RYW_PARAM_MS;
}

/** The strategy's one number (window, timeout or max lag), only where it takes one. */
function StrategyParam({ strategy, kind }: { strategy: RywStrategy; kind: 'orders' | 'products' | undefined }) {
  const param = paramOf(strategy);
  // While the learner types, show their text; otherwise the engine's value.
  const [draft, setDraft] = useState<{ key: RywParam; text: string } | null>(null);
  if (!param) return null;
  const value = draft?.key === param.key ? draft.text : String(param.value);
  return (
    <label className="field">
      {param.label}
      <input
        type="number"
        className="ms-input"
        min={0}
        max={MAX_RYW_PARAM_MS}
        step={100}
        value={value}
        aria-invalid={!isValidMs(value)}
        onChange={(e) => {
          const text = e.target.value;
          setDraft({ key: param.key, text });
          if (isValidMs(text))
            void sendCommand({
              do: 'setRywStrategy',
              strategy: strategy.name,
              [param.key]: Number(text),
              ...(kind ? { kind } : {}),
            });
        }}
        onBlur={() => setDraft(null)}
      />
    </label>
  );
}

function OptionList<T extends string>({
  title,
  options,
  text,
}: {
  title: string;
  options: readonly T[];
  text: Record<T, OptionText>;
}) {
  return (
    <>
      <h3>{title}</h3>
      <dl>
        {options.map((o) => (
          <div key={o}>
            <dt>{text[o].label}</dt>
            <dd>{text[o].text}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
