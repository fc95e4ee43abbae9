/**
 * The narration line: one prominent sentence near the top of the page that says what the
 * learner's latest action did and WHY (narrationText.ts words it from the engine's history,
 * replication rows, shipments and the checker's verdicts): after a write, who acknowledged
 * it at which LSN and when each replica gets it; after a read, what it missed and why, or
 * why it is fresh; during a failover, the failover feed's own words. Write and read
 * sentences also go to the activity log, which so keeps the history of "why" lines. A
 * polite live region: screen readers hear each new sentence.
 */
import { useEffect, useRef, useState } from 'react';
import type { Lab } from '../../page/bootLab.ts';
import { narrate } from '../../page/failoverFeed.ts';
import { formatEngineTime } from '../../page/format.ts';
import { findRead } from '../../page/readStats.ts';
import { currentLab, logActivity, useLab } from '../../page/store.ts';
import { describeRead, describeWrite } from './narrationText.ts';
import './narration.css';

interface Line {
  text: string;
  atMs?: number;
  /** miss: a read missed an acknowledged write; error: a failure (already in the activity log). */
  tone: 'info' | 'miss' | 'error';
}

const IDLE: Line = {
  tone: 'info',
  text: 'Place an order, then read it back: this line says what happened and why.',
};

/**
 * Says each write and read once per cluster (a new cluster, after a reset or a step back,
 * starts over), and logs it unless it is a failure: commands.ts logs those already.
 */
function useSayOnce(
  lab: Lab | undefined,
  show: (line: Line) => void,
): (key: string, make: () => Line | undefined) => void {
  const said = useRef<{ lab?: Lab; keys: Set<string> }>({ keys: new Set() });
  return (key, make) => {
    if (said.current.lab !== lab) said.current = { lab, keys: new Set() };
    if (said.current.keys.has(key)) return;
    said.current.keys.add(key);
    const line = make();
    if (!line) return;
    show(line);
    if (line.tone !== 'error') logActivity('info', line.text);
  };
}

export function Narration() {
  // The lab, once its first snapshot is published (it changes on reset and step back).
  const lab = useLab((s) => (s.snapshot ? currentLab() : undefined));
  const write = useLab((s) => s.lastWrite);
  const read = useLab((s) => s.lastRead);
  const verdict = useLab((s) => findRead(s.reads, s.lastRead?.op)?.verdict);
  const [line, setLine] = useState<Line>(IDLE);
  const say = useSayOnce(lab, setLine);

  // A new cluster starts with the idle line; then failovers are told in the failover
  // feed's wording (it already logs them), as they happen.
  useEffect(() => {
    setLine(IDLE);
    if (!lab) return;
    const { history } = lab.cluster;
    return history.onRecord((e) => {
      const said = narrate(e, history);
      if (said) setLine({ text: said.text, tone: said.kind, atMs: e.at });
    });
  }, [lab]);

  useEffect(() => {
    if (!lab || !write || write.status === 'pending' || write.op === undefined) return;
    const op = write.op;
    say(`write ${op}`, () => {
      const { cluster } = lab;
      const text = describeWrite(cluster.history.all(), op, cluster.getSnapshot().replication, cluster.shipments());
      return text ? { text, tone: write.status === 'ok' ? 'info' : 'error', atMs: cluster.clock.now() } : undefined;
    });
  });

  useEffect(() => {
    if (!lab || !verdict || verdict.op !== read?.op) return;
    say(`read ${verdict.op}`, () => {
      const snapshot = lab.cluster.getSnapshot();
      const text = describeRead(verdict, {
        history: lab.cluster.history.all(),
        rows: snapshot.replication,
        primary: snapshot.failover.primary,
        shipments: lab.cluster.shipments(),
        strategy: snapshot.app.strategies[verdict.action === 'browse' ? 'products' : 'orders'].name,
      });
      const tone = !verdict.ok ? 'error' : verdict.anomalies.length > 0 ? 'miss' : 'info';
      return { text, tone, atMs: verdict.doneAt };
    });
  });

  return (
    <div
      className={`narration narration-${line.tone}`}
      data-tone={line.tone}
      role="status"
      aria-live="polite"
      aria-atomic="true"
      aria-label="Narration"
    >
      <span className="narration-tag" aria-hidden="true">
        Why
      </span>
      {line.atMs !== undefined && <span className="narration-time">{formatEngineTime(line.atMs)}</span>}
      <span className="narration-text" data-testid="narration-text">
        {line.text}
      </span>
    </div>
  );
}
