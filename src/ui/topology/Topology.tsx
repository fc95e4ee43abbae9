/**
 * The topology diagram: clients -> load balancer -> app servers on the left, the primary
 * in the middle, the replicas (and a standby) on the right, with every shipped transaction
 * drawn on its primary-to-replica link at the position engine time puts it (so pause, step
 * and speed freeze and move it exactly). Shows the failover manager's state, the endpoint
 * and dead or fenced nodes; a click on a node opens its fault buttons. While a timeline
 * mark's evidence is open (highlight.ts), the nodes and the missed orders' dots it names
 * get a thick ring and a label. D3 only computes
 * (topologyLayout.ts); React draws the SVG. Reads the store, sends commands, never
 * touches engine state.
 */

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  type ClusterSnapshot,
  defaultReplicaSettings,
  type NodeSnapshot,
  type ReplicationStatus,
} from '../../engine/index.ts';
import {
  healNode,
  killNode,
  partitionNode,
  restartNode,
  SLOW_APPLY_RATE_PER_SEC,
  setApplyRate,
  setConnected,
} from '../../page/commands.ts';
import { formatCount, formatLsnOrDash, formatMs } from '../../page/format.ts';
import { currentLab, useLab } from '../../page/store.ts';
import { failingOver } from '../replication/replicationText.ts';
import { useWidth } from '../shared/useWidth.ts';
import {
  describeHighlight,
  type Highlight,
  highlightRole,
  isHighlighted,
  nodeLabel,
  useHighlight,
} from './highlight.ts';
import { type Box, type LinkTraffic, layoutTopology, placeShipments, type TopologyLayout } from './topologyLayout.ts';
import { describeTopology, failoverLabel } from './topologyText.ts';
import './topology.css';

/** Faster than the engine default is never needed: "fast again" restores the default. */
const NORMAL_APPLY_RATE_PER_SEC = defaultReplicaSettings(0).applyRatePerSec;

/** What a node box says beyond its snapshot row. */
interface NodeMarks {
  endpoint: boolean;
  fenced: boolean;
  partitioned: boolean;
  oldPrimary: boolean;
}

export function Topology() {
  const snapshot = useLab((s) => s.snapshot);
  const lastFailed = useLab((s) => s.failoverStory.lastFailedCheck);
  const candidate = useLab((s) => s.failoverStory.phases.at(-1)?.node);
  const highlight = useHighlight((s) => s.highlight);
  const [frameRef, width] = useWidth(snapshot !== undefined, 1200);
  const [menuFor, setMenuFor] = useState<string | null>(null);
  // Stable, so the open menu's listeners (and its focus) are set up once, not on every frame.
  const closeMenu = useCallback(() => setMenuFor(null), []);
  // Shipments are not in the snapshot: read them whenever a new snapshot (a new engine time) arrives.
  const shipments = useMemo(() => (snapshot ? (currentLab()?.cluster.shipments() ?? []) : []), [snapshot]);
  const layout = useMemo(() => (snapshot ? layoutFor(snapshot, width) : undefined), [snapshot, width]);
  if (!snapshot || !layout) return null;

  const { failover } = snapshot;
  const traffic = placeShipments(layout.paths.replication, shipments, snapshot.nowMs);
  const rowOf = (name: string) => snapshot.replication.find((r) => r.name === name);
  const nodeOf = (name: string) => snapshot.nodes.find((n) => n.name === name);
  const marksOf = (name: string): NodeMarks => ({
    endpoint: failover.endpoint === name,
    fenced: failover.fenced.includes(name),
    partitioned: failover.partitioned.includes(name),
    oldPrimary: name !== failover.primary && failover.failovers.some((f) => f.oldPrimary === name),
  });
  const endpointNode = nodeOf(failover.endpoint);
  const writesFail = endpointNode?.status !== 'up' || failover.fenced.includes(failover.endpoint);
  const label = failoverLabel(
    failover,
    snapshot.nowMs,
    lastFailed,
    failingOver(failover.state) ? candidate : undefined,
  );
  const boxes = [layout.primary, ...layout.others];

  return (
    <section className="panel topology" aria-labelledby="topology-heading">
      <div className="panel-header">
        <h2 id="topology-heading">Topology</h2>
        <p className="muted topology-legend">
          <span className="legend-dot" aria-hidden="true" /> transaction on its way to a replica{' '}
          <span className="legend-queued" aria-hidden="true" /> received, waiting to be replayed · click a node for its
          faults
        </p>
      </div>
      <div className="topology-frame" ref={frameRef}>
        <svg
          className="topology-svg"
          role="img"
          aria-label={describeTopology(snapshot, shipments) + (highlight ? `. ${describeHighlight(highlight)}` : '')}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          preserveAspectRatio="xMidYMid meet"
        >
          <Links layout={layout} snapshot={snapshot} writesFail={writesFail} />
          <SmallBox box={layout.clients} text="Clients" />
          <SmallBox box={layout.lb} text="Load balancer" />
          {layout.apps.map((a) => (
            <SmallBox key={a.name} box={a} text={a.name} />
          ))}
          {layout.readGroup && (
            <text className="topo-caption" x={layout.readGroup.x + 8} y={layout.readGroup.y + 13}>
              Read replicas · reads: {snapshot.app.readPolicy}
            </text>
          )}
          {boxes.map((box) => {
            const node = nodeOf(box.name);
            return node ? (
              <NodeBox
                key={box.name}
                box={box}
                node={node}
                row={rowOf(box.name)}
                primary={box.name === failover.primary}
                headLsn={snapshot.log.headLsn}
                headIndex={snapshot.log.headIndex}
                marks={marksOf(box.name)}
                highlight={highlight}
              />
            ) : null;
          })}
          <text
            className={`topo-failover${failingOver(failover.state) || label.startsWith('health check failed') ? ' topo-failover-active' : ''}`}
            x={layout.failoverLabel.x}
            y={layout.failoverLabel.y}
            textAnchor="middle"
            data-testid="topology-failover-state"
          >
            Failover manager: {label}
          </text>
          {traffic.map((t) => (
            <Traffic key={t.replica} traffic={t} highlight={highlight} />
          ))}
        </svg>
        {boxes.map((box) => (
          <NodeTrigger
            key={box.name}
            box={box}
            layout={layout}
            open={menuFor === box.name}
            onToggle={() => setMenuFor((m) => (m === box.name ? null : box.name))}
          />
        ))}
        {menuFor && boxes.some((b) => b.name === menuFor) && (
          <NodeMenu
            box={boxes.find((b) => b.name === menuFor)!}
            layout={layout}
            node={nodeOf(menuFor)}
            row={rowOf(menuFor)}
            partitioned={failover.partitioned.includes(menuFor)}
            onClose={closeMenu}
          />
        )}
      </div>
      <ScreenReaderList snapshot={snapshot} traffic={traffic} label={label} highlight={highlight} />
    </section>
  );
}

function layoutFor(snapshot: ClusterSnapshot, width: number): TopologyLayout {
  const primary = snapshot.failover.primary;
  const others = snapshot.nodes.map((n) => n.name).filter((n) => n !== primary);
  const following = new Set(snapshot.replication.map((r) => r.name));
  // The standby (RDS Multi-AZ) serves no reads; a node that follows nobody (an old primary) goes last.
  const readers = others.filter((n) => n !== 'standby' && following.has(n));
  const rest = others
    .filter((n) => !readers.includes(n))
    .sort((a, b) => Number(!following.has(a)) - Number(!following.has(b)));
  return layoutTopology({
    width,
    appServers: snapshot.app.servers,
    primary,
    others: [...readers, ...rest],
    readers,
    endpoint: snapshot.failover.endpoint,
  });
}

function Links({
  layout,
  snapshot,
  writesFail,
}: {
  layout: TopologyLayout;
  snapshot: ClusterSnapshot;
  writesFail: boolean;
}) {
  const { paths } = layout;
  const down = (name: string) => snapshot.nodes.find((n) => n.name === name)?.status !== 'up';
  return (
    <g>
      {layout.readGroup && (
        <rect
          className="topo-group"
          x={layout.readGroup.x}
          y={layout.readGroup.y}
          width={layout.readGroup.w}
          height={layout.readGroup.h}
          rx={10}
        />
      )}
      <path className="topo-edge" d={paths.clientsToLb} />
      {paths.lbToApps.map((p) => (
        <path key={p.app} className="topo-edge" d={p.d} />
      ))}
      {paths.readTrunks.map((p) => (
        <path key={p.app} className="topo-read" d={p.d} />
      ))}
      {paths.readBranches.map((p) => (
        <path key={p.node} className={`topo-read${down(p.node) ? ' topo-read-down' : ''}`} d={p.d} />
      ))}
      <text
        className="topo-path-label topo-read-label"
        x={layout.readLabel.x}
        y={layout.readLabel.y}
        textAnchor="middle"
      >
        reads
      </text>
      {paths.writes.map((p) => (
        <path key={p.app} className={`topo-write${writesFail ? ' topo-write-failing' : ''}`} d={p.d} />
      ))}
      <text
        className={`topo-path-label topo-write-label${writesFail ? ' topo-write-label-failing' : ''}`}
        x={(layout.apps[0]?.x ?? 0) + (layout.apps[0]?.w ?? 0) + 10}
        y={(layout.apps[0]?.y ?? 0) - 8}
      >
        {writesFail ? `writes to ${snapshot.failover.endpoint} fail` : `writes → ${snapshot.failover.endpoint}`}
      </text>
      {paths.replication.map((l) => {
        const row = snapshot.replication.find((r) => r.name === l.replica);
        const state = row ? row.state : 'not following';
        return (
          <g key={l.replica} data-testid={`link-${l.replica}`} data-state={state}>
            <path className={`topo-repl${state === 'streaming' ? '' : ' topo-repl-broken'}`} d={l.d} />
            <text className="topo-path-label" x={l.label.x} y={l.label.y} textAnchor="middle">
              {row ? `${formatMs(row.lagMs)} · ${state}` : state}
            </text>
          </g>
        );
      })}
    </g>
  );
}

function SmallBox({ box, text }: { box: Box; text: string }) {
  return (
    <g>
      <rect className="topo-small" x={box.x} y={box.y} width={box.w} height={box.h} rx={6} />
      <text className="topo-small-text" x={box.x + box.w / 2} y={box.y + box.h / 2 + 4} textAnchor="middle">
        {text}
      </text>
    </g>
  );
}

interface NodeBoxProps {
  box: Box;
  node: NodeSnapshot;
  /** Undefined for the primary and for a node that follows nobody. */
  row: ReplicationStatus | undefined;
  primary: boolean;
  headLsn: number;
  headIndex: number;
  marks: NodeMarks;
  /** The open timeline evidence's highlight, if it names this node. */
  highlight: Highlight | null;
}

function NodeBox({ box, node, row, primary, headLsn, headIndex, marks, highlight }: NodeBoxProps) {
  const lit = highlightRole(highlight, node.name);
  const role = node.name === 'standby' && node.role === 'replica' ? 'standby' : node.role;
  const tags = [
    marks.fenced && 'fenced',
    marks.partitioned && 'partitioned',
    marks.oldPrimary && 'old primary',
    row && row.applyRatePerSec <= SLOW_APPLY_RATE_PER_SEC && 'slow',
  ].filter((t): t is string => typeof t === 'string');
  const classes = [
    'topo-node',
    `topo-node-${node.status}`,
    primary && 'topo-node-primary',
    marks.fenced && 'topo-node-fenced',
  ]
    .filter(Boolean)
    .join(' ');
  const x = box.x + 10;
  const rightX = box.x + box.w - 10;
  return (
    <g data-testid={`topology-node-${node.name}`} data-role={node.role} data-status={node.status} data-highlight={lit}>
      {marks.endpoint && (
        <>
          <rect
            className="topo-endpoint-halo"
            x={box.x - 5}
            y={box.y - 5}
            width={box.w + 10}
            height={box.h + 10}
            rx={11}
          />
          {primary ? (
            <text className="topo-endpoint-tag" x={box.x + box.w - 4} y={box.y - 9} textAnchor="end">
              endpoint (clients write here)
            </text>
          ) : (
            // In the right column the gap above is too small: say it on the left.
            <text className="topo-endpoint-tag" x={box.x - 10} y={box.y + 12} textAnchor="end">
              endpoint
            </text>
          )}
        </>
      )}
      <rect className={classes} x={box.x} y={box.y} width={box.w} height={box.h} rx={8} />
      <text className="topo-node-name" x={x} y={box.y + 19}>
        {node.name}
      </text>
      <text className={`topo-role topo-role-${role}`} x={rightX} y={box.y + 19} textAnchor="end">
        {role}
      </text>
      <StatusPill x={x} y={box.y + 26} status={node.status} tags={tags} />
      <text className="topo-detail" x={x} y={box.y + 55}>
        {primary ? 'head ' : row ? 'replay ' : 'follows nobody'}
        {(primary || row) && (
          <tspan className="topo-mono">{primary ? formatLsnOrDash(headLsn) : row?.replay_lsn}</tspan>
        )}
      </text>
      <text className="topo-detail" x={rightX} y={box.y + 55} textAnchor="end">
        {formatCount(node.opsPerSec)} ops/s
      </text>
      <text className="topo-detail" x={x} y={box.y + 70}>
        {primary
          ? `${formatCount(headIndex)} ${headIndex === 1 ? 'transaction' : 'transactions'} committed`
          : row
            ? `behind ${formatMs(row.behindMs)} · ${row.behindEntries} ${row.behindEntries === 1 ? 'txn' : 'txns'}`
            : ''}
      </text>
      {node.status === 'down' && (
        <path className="topo-down-cross" d={`M${rightX - 8},${box.y + 30} l8,8 m0,-8 l-8,8`} />
      )}
      {lit && highlight && <HighlightRing box={box} role={lit} text={nodeLabel(highlight, node.name)} />}
    </g>
  );
}

/** The status as a pill, then tags such as "fenced" after it. */
function StatusPill({ x, y, status, tags }: { x: number; y: number; status: NodeSnapshot['status']; tags: string[] }) {
  const w = status.length * 6.6 + 14;
  let tagX = x + w + 6;
  return (
    <g>
      <rect className={`topo-pill topo-pill-${status}`} x={x} y={y} width={w} height={16} rx={8} />
      <text className={`topo-pill-text topo-pill-text-${status}`} x={x + w / 2} y={y + 12} textAnchor="middle">
        {status}
      </text>
      {tags.map((tag) => {
        const tx = tagX;
        tagX += tag.length * 6 + 16;
        return (
          <g key={tag}>
            <rect className="topo-tag" x={tx} y={y} width={tag.length * 6 + 10} height={16} rx={8} />
            <text className="topo-tag-text" x={tx + (tag.length * 6 + 10) / 2} y={y + 12} textAnchor="middle">
              {tag}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/**
 * A highlighted node (the open timeline evidence names it): a thick ring round the box and
 * what it did in words, to its left (not colour alone).
 */
function HighlightRing({ box, role, text }: { box: Box; role: string; text: string }) {
  return (
    <g className={`topo-highlight topo-highlight-${role}`}>
      <rect className="topo-highlight-ring" x={box.x - 4} y={box.y - 4} width={box.w + 8} height={box.h + 8} rx={10} />
      <text className="topo-highlight-label" x={box.x - 10} y={box.y + box.h - 4} textAnchor="end">
        {text}
      </text>
    </g>
  );
}

function Traffic({ traffic, highlight }: { traffic: LinkTraffic; highlight: Highlight | null }) {
  const { replica, bundle } = traffic;
  return (
    <g>
      {traffic.dots.map((d) => {
        const lit = isHighlighted(highlight, d);
        return (
          <g key={d.entry}>
            <circle
              className={lit ? 'topo-dot topo-dot-highlight' : 'topo-dot'}
              data-testid={`shipment-${replica}-${d.entry}`}
              data-progress={d.progress.toFixed(2)}
              data-highlight={lit ? 'missed' : undefined}
              r={lit ? 8 : 5}
              style={{ transform: `translate(${d.at.x}px, ${d.at.y}px)` }}
            >
              <title>
                Transaction {d.entry}
                {d.orderIds.length > 0 ? ` (order ${d.orderIds.map((id) => `#${id}`).join(', ')})` : ''} to {replica},{' '}
                {Math.round(d.progress * 100)} % of the way
                {lit ? ': the write the selected read missed' : ''}
              </title>
            </circle>
            {/* Only the dot on the serving node's link is labelled: the others would pile up at the start. */}
            {lit && highlight?.served?.node === replica && (
              <text className="topo-dot-label" x={d.at.x} y={d.at.y - 12} textAnchor="middle">
                {d.orderIds.length > 0 ? d.orderIds.map((id) => `#${id}`).join(', ') : 'missed write'}
              </text>
            )}
          </g>
        );
      })}
      {bundle && (
        <g
          className="topo-bundle"
          data-testid={`shipment-bundle-${replica}`}
          data-progress={bundle.progress.toFixed(2)}
          data-count={bundle.count}
          style={{ transform: `translate(${bundle.at.x}px, ${bundle.at.y}px)` }}
        >
          <circle r={13} />
          <text y={4} textAnchor="middle">
            {bundle.count}
          </text>
        </g>
      )}
      {traffic.queued.map((q) => {
        const lit = isHighlighted(highlight, q);
        const half = lit ? 5 : 3;
        return (
          <rect
            key={q.entry}
            className={lit ? 'topo-queued topo-queued-highlight' : 'topo-queued'}
            data-testid={`queued-${replica}-${q.entry}`}
            data-highlight={lit ? 'missed' : undefined}
            x={q.at.x - half}
            y={q.at.y - half}
            width={half * 2}
            height={half * 2}
          />
        );
      })}
      {traffic.queuedCount > traffic.queued.length && traffic.queued.length > 0 && (
        <text
          className="topo-queue-count"
          x={traffic.queued.at(-1)!.at.x - 6}
          y={traffic.queued.at(-1)!.at.y + 3}
          textAnchor="end"
        >
          +{traffic.queuedCount - traffic.queued.length}
        </text>
      )}
    </g>
  );
}

/** Places an HTML element over a layout point, in percentages so it follows the SVG's scaling. */
function percent(layout: TopologyLayout, x: number, y: number) {
  return { left: `${(x / layout.width) * 100}%`, top: `${(y / layout.height) * 100}%` };
}

function NodeTrigger({
  box,
  layout,
  open,
  onToggle,
}: {
  box: Box;
  layout: TopologyLayout;
  open: boolean;
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      className="topo-hit"
      data-node={box.name}
      aria-expanded={open}
      aria-controls={open ? `topology-menu-${box.name}` : undefined}
      style={{
        ...percent(layout, box.x, box.y),
        width: `${(box.w / layout.width) * 100}%`,
        height: `${(box.h / layout.height) * 100}%`,
      }}
      onClick={onToggle}
    >
      <span className="visually-hidden">{box.name} actions</span>
    </button>
  );
}

interface NodeMenuProps {
  box: Box;
  layout: TopologyLayout;
  node: NodeSnapshot | undefined;
  row: ReplicationStatus | undefined;
  partitioned: boolean;
  onClose: () => void;
}

/** The fault buttons of one node; Escape or a click elsewhere closes it, focus goes back to the node. */
function NodeMenu({ box, layout, node, row, partitioned, onClose }: NodeMenuProps) {
  const ref = useRef<HTMLFieldSetElement>(null);
  const name = box.name;
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
    const trigger = () =>
      ref.current?.parentElement?.querySelector<HTMLButtonElement>(`.topo-hit[data-node="${name}"]`);
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!ref.current?.contains(target) && !trigger()?.contains(target)) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      trigger()?.focus();
      onClose();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [name, onClose]);
  const act = (command: () => Promise<void>) => () => {
    onClose();
    void command();
  };
  const atRight = box.x + box.w / 2 > layout.width / 2;
  const anchor = percent(layout, atRight ? box.x + box.w : box.x, box.y + box.h);
  const style = atRight
    ? { top: anchor.top, right: `${100 - ((box.x + box.w) / layout.width) * 100}%` }
    : { top: anchor.top, left: anchor.left };
  const slow = row !== undefined && row.applyRatePerSec <= SLOW_APPLY_RATE_PER_SEC;
  return (
    <fieldset ref={ref} id={`topology-menu-${name}`} className="topo-menu" aria-label={`${name} actions`} style={style}>
      <legend className="topo-menu-title">{name}</legend>
      {node?.status === 'recovering' ? (
        <button type="button" disabled>
          Recovering…<span className="visually-hidden"> {name}</span>
        </button>
      ) : node?.status === 'up' ? (
        <button type="button" className="danger-button" onClick={act(() => killNode(name))}>
          Kill {name}
        </button>
      ) : (
        <button type="button" onClick={act(() => restartNode(name))}>
          Restart {name}
        </button>
      )}
      {partitioned ? (
        <button type="button" onClick={act(() => healNode(name))}>
          Heal {name}
        </button>
      ) : (
        <button type="button" className="danger-button" onClick={act(() => partitionNode(name))}>
          Partition {name}
        </button>
      )}
      {row && (
        <button type="button" onClick={act(() => setConnected(name, !row.connected))}>
          {row.connected ? 'Disconnect' : 'Reconnect'} {name}
        </button>
      )}
      {row && (
        <button
          type="button"
          onClick={act(() => setApplyRate(name, slow ? NORMAL_APPLY_RATE_PER_SEC : SLOW_APPLY_RATE_PER_SEC))}
        >
          {slow ? `Make ${name} fast again` : `Make ${name} slow`}
        </button>
      )}
    </fieldset>
  );
}

/** The picture in words, one line per node and link, for screen readers. */
function ScreenReaderList({
  snapshot,
  traffic,
  label,
  highlight,
}: {
  snapshot: ClusterSnapshot;
  traffic: LinkTraffic[];
  label: string;
  highlight: Highlight | null;
}) {
  const { failover } = snapshot;
  return (
    <ul className="visually-hidden" aria-label="Topology in words">
      <li>
        Clients reach the load balancer, which sends them to {snapshot.app.servers.join(', ')}; writes go to{' '}
        {failover.endpoint}, reads ({snapshot.app.readPolicy}) to the replicas.
      </li>
      <li>Failover manager: {label}.</li>
      {highlight && <li>{describeHighlight(highlight)}</li>}
      {snapshot.nodes.map((n) => {
        const row = snapshot.replication.find((r) => r.name === n.name);
        const t = traffic.find((x) => x.replica === n.name);
        const flying = t ? t.dots.length + (t.bundle?.count ?? 0) : 0;
        return (
          <li key={n.name}>
            {n.name}: {n.role}, {n.status}
            {failover.fenced.includes(n.name) ? ', fenced' : ''}
            {failover.partitioned.includes(n.name) ? ', partitioned' : ''}
            {failover.endpoint === n.name ? ', the endpoint' : ''}, {n.opsPerSec} ops/s
            {row
              ? `; link ${row.state}, ${row.lagMs} ms lag, replayed up to ${row.replay_lsn}, ${formatMs(row.behindMs)} and ${row.behindEntries} transactions behind; ${flying} in flight, ${t?.queuedCount ?? 0} waiting to be replayed`
              : ''}
          </li>
        );
      })}
    </ul>
  );
}
