/**
 * The client timeline (Knossos-style): one row per client (the load generator's ops in one
 * row), each operation a bar from its invoke to its result over the last ten seconds of
 * engine time, coloured by outcome. Reads the consistency checker judged anomalous (the
 * same verdicts the Reads panel shows, from the store) get a mark per anomaly; a mark is a
 * button that opens the evidence. D3 only computes (timelineLayout.ts); React draws the
 * SVG, and the marks are HTML buttons over it so keyboards and screen readers reach them.
 * While a mark's evidence is open, the topology highlights the nodes and orders it names.
 * The operations come from the snapshot's history window, followed incrementally.
 */

import { memo, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type Anomaly, formatLsn, type ReadVerdict } from '../../engine/index.ts';
import { formatEngineTime, formatMs } from '../../page/format.ts';
import { selectPaneHistoryWindow } from '../../page/selectors.ts';
import { PANE_REFRESH_MS, useLab } from '../../page/store.ts';
import { ANOMALY_LABEL, evidenceOf } from '../narration/evidence.ts';
import { findOp } from '../narration/narrationText.ts';
import { useWidth } from '../shared/useWidth.ts';
import { highlightFor, useHighlight } from '../topology/highlight.ts';
import {
  anomalyMarks,
  type BarLayout,
  LABEL_WIDTH,
  layoutTimeline,
  type TimelineLayout,
  TimelineOps,
  trackShift,
} from './timelineLayout.ts';
import './timeline.css';

interface Selected {
  anomaly: Anomaly;
  verdict: ReadVerdict;
}

export function markName(anomaly: Anomaly, v: ReadVerdict): string {
  return `${ANOMALY_LABEL[anomaly]}: read ${v.op} by ${v.client} on ${v.node}`;
}

export function Timeline() {
  // Laid out at the panes' pace (at most ten times a second while playing); useScroll moves it every frame.
  const snapshot = useLab((s) => s.paneSnapshot);
  const history = useLab(selectPaneHistoryWindow);
  const generation = useLab((s) => s.generation);
  const reads = useLab((s) => s.reads);
  const leadMs = useLab((s) => (s.driver.paused ? 0 : PANE_REFRESH_MS * s.driver.speed * 2));
  const [frameRef, width] = useWidth(snapshot !== undefined, 1000);
  const tracker = useRef<{ generation: number; ops: TimelineOps } | null>(null);
  const [selected, setSelected] = useState<Selected | null>(null);
  const clipId = useId();
  const nowMs = snapshot?.nowMs ?? 0;
  // Each snapshot's window holds the events since the last one; a new cluster (reset, step back) starts over.
  const ops = useMemo(() => {
    if (tracker.current?.generation !== generation) tracker.current = { generation, ops: new TimelineOps() };
    return tracker.current.ops.update(history.events, nowMs, history.fromSeq);
  }, [history, nowMs, generation]);
  const marks = useMemo(
    () => (reads ? anomalyMarks([...reads.watched, ...reads.markedAnomalous].map((r) => r.verdict)) : []),
    [reads],
  );
  const layout = useMemo(
    () => layoutTimeline({ ops, marks, nowMs, width, leadMs }),
    [ops, marks, nowMs, width, leadMs],
  );
  const { track, marksTrack } = useScroll(layout.width);
  useTopologyHighlight(selected);
  if (!snapshot) return null;

  return (
    <section className="panel timeline" aria-labelledby="timeline-heading">
      <div className="panel-header">
        <h2 id="timeline-heading">Timeline</h2>
        <p className="muted timeline-legend">
          Each client's operations over the last 10 s: <span className="tl-key tl-write" aria-hidden="true" /> write{' '}
          <span className="tl-key tl-read" aria-hidden="true" /> read{' '}
          <span className="tl-key tl-failed" aria-hidden="true" /> failed · anomalies:{' '}
          <span className="tl-mark-key tl-mark-stale" aria-hidden="true" /> stale{' '}
          <span className="tl-mark-key tl-mark-read-your-writes" aria-hidden="true" /> read-your-writes{' '}
          <span className="tl-mark-key tl-mark-monotonic" aria-hidden="true" /> monotonic (click for evidence)
        </p>
      </div>
      <div className="timeline-frame" ref={frameRef}>
        <svg
          className="timeline-svg"
          role="img"
          aria-label={summarize(layout)}
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
        >
          {layout.rows.map((r) => (
            <g key={r.client}>
              <line className="tl-row-line" x1={LABEL_WIDTH} x2={layout.width} y1={r.y} y2={r.y} />
              <text className="tl-row-label" x={4} y={r.y + 15}>
                {r.client}
              </text>
            </g>
          ))}
          <defs>
            <clipPath id={clipId}>
              {/* The tick labels' row reaches a little into the label column, so "0 s" shows whole. */}
              <rect x={LABEL_WIDTH - 16} y={0} width={layout.width - LABEL_WIDTH + 16} height={14} />
              <rect x={LABEL_WIDTH} y={0} width={layout.width - LABEL_WIDTH} height={layout.height} />
            </clipPath>
          </defs>
          <g clipPath={`url(#${clipId})`}>
            <g ref={track} transform={`translate(${-layout.shift} 0)`}>
              <g className="tl-axis">
                {layout.ticks.map((t) => (
                  <g key={t.label}>
                    <line x1={t.x} x2={t.x} y1={14} y2={layout.height} />
                    <text x={t.x} y={11} textAnchor="middle">
                      {t.label}
                    </text>
                  </g>
                ))}
              </g>
              {layout.bars.map((b) => (
                <Bar key={b.op} bar={b} />
              ))}
            </g>
          </g>
        </svg>
        <div
          className="tl-marks"
          style={{ left: LABEL_WIDTH, width: layout.width - LABEL_WIDTH, height: layout.height }}
        >
          <div
            ref={marksTrack}
            className="tl-marks-track"
            style={{ transform: `translateX(${-(layout.shift + LABEL_WIDTH)}px)` }}
          >
            {layout.marks.map((m) => {
              const isSelected = selected?.verdict.op === m.verdict.op && selected.anomaly === m.anomaly;
              return (
                <button
                  key={m.key}
                  type="button"
                  className={`tl-mark tl-mark-${m.anomaly}`}
                  style={{ left: m.x, top: m.y }}
                  aria-label={markName(m.anomaly, m.verdict)}
                  aria-pressed={isSelected}
                  title={markName(m.anomaly, m.verdict)}
                  onClick={() => setSelected(isSelected ? null : { anomaly: m.anomaly, verdict: m.verdict })}
                />
              );
            })}
          </div>
        </div>
      </div>
      {layout.rows.length === 0 && <p className="muted">No operations in the last 10 s.</p>}
      {selected && <EvidenceBox selected={selected} onClose={() => setSelected(null)} />}
    </section>
  );
}

/**
 * Scrolls the drawing to the engine time of every published snapshot (each frame while
 * playing) by moving two transforms, without a React render: the bars, ticks and marks
 * sit on a track whose coordinates never change as time passes (timelineLayout.ts).
 */
function useScroll(width: number) {
  const track = useRef<SVGGElement>(null);
  const marksTrack = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const scrollTo = (nowMs: number | undefined) => {
      if (nowMs === undefined) return;
      const shift = trackShift(nowMs, width);
      track.current?.setAttribute('transform', `translate(${-shift} 0)`);
      if (marksTrack.current) marksTrack.current.style.transform = `translateX(${-(shift + LABEL_WIDTH)}px)`;
    };
    scrollTo(useLab.getState().snapshot?.nowMs);
    return useLab.subscribe((s, prev) => {
      if (s.snapshot !== prev.snapshot) scrollTo(s.snapshot?.nowMs);
    });
  });
  return { track, marksTrack };
}

/**
 * While a mark's evidence is open, the topology highlights the node that served the read,
 * the node that acknowledged the write it missed (from the history) and the missed orders;
 * closing the evidence (or leaving the page's cluster) clears it.
 */
/** One operation's bar; memoised, so a bar that did not change is not even re-rendered. */
const Bar = memo(function Bar({ bar: b }: { bar: BarLayout }) {
  return <rect className={b.className} x={b.x} y={b.y} width={b.w} height={b.h} rx={2} />;
}, sameBar);

function sameBar(a: { bar: BarLayout }, b: { bar: BarLayout }): boolean {
  return a.bar.x === b.bar.x && a.bar.w === b.bar.w && a.bar.y === b.bar.y && a.bar.className === b.bar.className;
}

function useTopologyHighlight(selected: Selected | null): void {
  useEffect(() => {
    if (!selected) return;
    const { anomaly, verdict: v } = selected;
    const missed =
      anomaly === 'read-your-writes' ? v.missedOwn.at(-1) : anomaly === 'stale' ? v.missedWrite : undefined;
    // The write was acknowledged shortly before the read: in the snapshot's window unless it is very old.
    const history = useLab.getState().snapshot?.history.events;
    const ackedBy = missed && history ? findOp(history, 'write.ok', missed.op)?.node : undefined;
    useHighlight.getState().set(highlightFor(anomaly, v, ackedBy));
    return () => useHighlight.getState().clear();
  }, [selected]);
}

function summarize(layout: TimelineLayout): string {
  const clients = layout.rows.length;
  const shown = layout.bars.length;
  const culled = layout.inWindow > shown ? ` (newest ${shown} of ${layout.inWindow} shown)` : '';
  const failed = layout.bars.filter((b) => b.outcome === 'fail').length;
  return (
    `Timeline from ${formatEngineTime(layout.from)} to ${formatEngineTime(layout.to)}: ` +
    `${layout.inWindow} operations${culled} by ${clients} ${clients === 1 ? 'client' : 'clients'}, ` +
    `${failed} failed, ${layout.marks.length} anomaly ${layout.marks.length === 1 ? 'mark' : 'marks'}.`
  );
}

function EvidenceBox({ selected, onClose }: { selected: Selected; onClose: () => void }) {
  const { anomaly, verdict: v } = selected;
  const evidence = evidenceOf(v).find((e) => e.anomaly === anomaly);
  const missed = anomaly === 'read-your-writes' ? v.missedOwn.at(-1) : anomaly === 'stale' ? v.missedWrite : undefined;
  return (
    <section className="timeline-evidence" aria-label="Anomaly evidence">
      <div className="timeline-evidence-head">
        <strong>{markName(anomaly, v)}</strong>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <dl>
        <div>
          <dt>Evidence</dt>
          <dd data-testid="timeline-evidence-text">{evidence?.text ?? '—'}</dd>
        </div>
        {missed && (
          <div>
            <dt>Missed write</dt>
            <dd>
              {missed.orderId < 0 ? 'a write' : `order #${missed.orderId}`} by user {missed.user} (op {missed.op}),
              acknowledged at {formatMs(missed.ackAt)}, LSN {formatLsn(missed.lsn)}
            </dd>
          </div>
        )}
        {anomaly === 'monotonic' && v.vanished && (
          <div>
            <dt>Earlier read</dt>
            <dd>
              op {v.vanished.op} on {v.vanished.node}
            </dd>
          </div>
        )}
        <div>
          <dt>Served by</dt>
          <dd>
            {v.via ? `${v.via} → ` : ''}
            {v.node}, replayed to {v.replayLsn === undefined ? '—' : formatLsn(v.replayLsn)}
            {v.lagMs !== undefined ? ` (${formatMs(v.lagMs)} behind)` : ''}
          </dd>
        </div>
        <div>
          <dt>When</dt>
          <dd>
            {formatEngineTime(v.at)} → {formatEngineTime(v.doneAt)} ({formatMs(v.latencyMs)})
          </dd>
        </div>
      </dl>
    </section>
  );
}
