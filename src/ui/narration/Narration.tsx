/**
 * The narration line: one prominent sentence near the top of the page that says what the
 * learner's latest action did and WHY (narrationText.ts words it from the engine's history,
 * replication rows, shipments and the checker's verdicts): after a write, who acknowledged
 * it at which LSN and when each replica gets it; after a read, what it missed and why, or
 * why it is fresh; during a failover, the failover feed's own words for the notices the
 * engine's checker delivers. Write and read sentences also go to the activity log, which
 * so keeps the history of "why" lines. Reads everything from the store's snapshot (its
 * history window, replication rows and shipments). A polite live region: screen readers
 * hear each new sentence.
 */
import { useEffect, useRef, useState } from 'react';
import { narrate, noticesSince } from '../../page/failoverFeed.ts';
import { formatEngineTime } from '../../page/format.ts';
import { findRead } from '../../page/readStats.ts';
import { logActivity, useLab } from '../../page/store.ts';
import { describeRead, describeWrite } from './narrationText.ts';
import './narration.css';

interface Line {
  text: string;
  at?: number;
  /** miss: a read missed an acknowledged write; error: a failure (already in the activity log). */
  tone: 'info' | 'miss' | 'error';
}

const IDLE: Line = {
  tone: 'info',
  text: 'Place an order, then read it back: this line says what happened and why.',
};

/** Snapshots a sentence may wait for its events to reach the store (a frame or two), before it is given up. */
const TRIES = 30;

/**
 * Says each write and read once per cluster (a new cluster, after a reset or a step back,
 * starts over), and logs it unless it is a failure: commands.ts logs those already. A
 * command's reply can reach the store a frame before the snapshot with its events: a
 * sentence that cannot be made yet is tried again with the next snapshots.
 */
function useSayOnce(
  generation: number,
  show: (line: Line) => void,
): (key: string, make: () => Line | undefined) => void {
  // Per key: the tries so far, or -1 once said.
  const said = useRef<{ generation: number; keys: Map<string, number> }>({ generation, keys: new Map() });
  return (key, make) => {
    if (said.current.generation !== generation) said.current = { generation, keys: new Map() };
    const tries = said.current.keys.get(key) ?? 0;
    if (tries < 0 || tries >= TRIES) return;
    const line = make();
    said.current.keys.set(key, line ? -1 : tries + 1);
    if (!line) return;
    show(line);
    if (line.tone !== 'error') logActivity('info', line.text);
  };
}

export function Narration() {
  // A new cluster (reset, step back) counts up the generation.
  const generation = useLab((s) => s.generation);
  // At the panes' pace: a sentence waits at most a tenth of a second for its events while playing.
  const snapshot = useLab((s) => s.paneSnapshot);
  const write = useLab((s) => s.lastWrite);
  const read = useLab((s) => s.lastRead);
  const verdict = useLab((s) => findRead(s.reads, s.lastRead?.op)?.verdict);
  const [line, setLine] = useState<Line>(IDLE);
  const say = useSayOnce(generation, setLine);
  /** History position up to which the failover notices were told, per cluster. */
  const told = useRef<{ generation: number; upTo: number } | null>(null);

  // A new cluster starts with the idle line (what its history told before is not news);
  // then failovers are told in the failover feed's wording (the store logs them), as the
  // snapshots bring their notices.
  useEffect(() => {
    if (!snapshot) return;
    if (told.current?.generation !== generation) {
      told.current = { generation, upTo: snapshot.historyLength };
      setLine(IDLE);
      return;
    }
    const latest = noticesSince(snapshot.failoverStory.notices, told.current.upTo).at(-1);
    told.current.upTo = snapshot.historyLength;
    if (!latest) return;
    const said = narrate(latest);
    setLine({ text: said.text, tone: said.kind, at: latest.at });
  }, [snapshot, generation]);

  useEffect(() => {
    if (!snapshot || !write || write.status === 'pending' || write.op === undefined) return;
    const op = write.op;
    say(`write ${op}`, () => {
      const text = describeWrite(snapshot.history.events, op, snapshot.replication, snapshot.shipments);
      return text ? { text, tone: write.status === 'ok' ? 'info' : 'error', at: snapshot.nowMs } : undefined;
    });
  });

  useEffect(() => {
    if (!snapshot || !verdict || verdict.op !== read?.op) return;
    say(`read ${verdict.op}`, () => {
      const text = describeRead(verdict, {
        history: snapshot.history.events,
        rows: snapshot.replication,
        primary: snapshot.failover.primary,
        shipments: snapshot.shipments,
        strategy: snapshot.app.strategies[verdict.action === 'browse' ? 'products' : 'orders'].name,
      });
      const tone = !verdict.ok ? 'error' : verdict.anomalies.length > 0 ? 'miss' : 'info';
      return { text, tone, at: verdict.doneAt };
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
      {line.at !== undefined && <span className="narration-time">{formatEngineTime(line.at)}</span>}
      <span className="narration-text" data-testid="narration-text">
        {line.text}
      </span>
    </div>
  );
}
