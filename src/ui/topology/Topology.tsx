/**
 * The topology diagram: clients -> load balancer -> app servers on the left, the primary
 * in the middle, the replicas (and a standby) on the right, with every shipped transaction
 * drawn on its primary-to-replica link at the position engine time puts it (so pause, step
 * and speed freeze and move it exactly). Shows the failover manager's state, the endpoint
 * and dead or fenced nodes; a click on a node opens its fault buttons. While a timeline
 * mark's evidence is open (highlight.ts), the nodes and the missed orders' dots it names
 * get a thick ring and a label. D3 only computes
 * (topologyLayout.ts); React draws the SVG: the links and dots (TopologyLinks.tsx), the
 * boxes (NodeBox.tsx), the fault menus (NodeMenu.tsx) and the picture in words
 * (TopologyWords.tsx). Reads the store (the snapshot and its shipments), sends commands,
 * never touches engine state.
 */

import { useCallback, useMemo, useState } from 'react';
import type { ClusterSnapshot } from '../../engine/index.ts';
import { selectShipments } from '../../page/selectors.ts';
import { useLab } from '../../page/store.ts';
import { failingOver } from '../replication/replicationText.ts';
import { useWidth } from '../shared/useWidth.ts';
import { describeHighlight, type Highlight, useHighlight } from './highlight.ts';
import { NodeBox, type NodeMarks, SmallBox } from './NodeBox.tsx';
import { NodeMenu, NodeTrigger } from './NodeMenu.tsx';
import { Links, Traffic } from './TopologyLinks.tsx';
import { ScreenReaderList } from './TopologyWords.tsx';
import { type LayoutInput, layoutTopology, placeShipments, type TopologyLayout } from './topologyLayout.ts';
import { describeTopology, failoverLabel } from './topologyText.ts';
import './topology.css';

export function Topology() {
  // Boxes, links and words at the panes' pace (at most ten times a second while playing);
  // only the transactions on the links (MovingTraffic) are drawn every frame.
  const snapshot = useLab((s) => s.paneSnapshot);
  const highlight = useHighlight((s) => s.highlight);
  const [frameRef, width] = useWidth(snapshot !== undefined, 1200);
  const [menuFor, setMenuFor] = useState<string | null>(null);
  // Stable, so the open menu's listeners (and its focus) are set up once, not on every frame.
  const closeMenu = useCallback(() => setMenuFor(null), []);
  // Laid out again only when what it is made of changes (a failover, a node added), not per snapshot.
  const layoutKey = snapshot ? JSON.stringify(layoutInputOf(snapshot)) : '';
  const layout = useMemo(
    () => (layoutKey ? layoutTopology({ ...(JSON.parse(layoutKey) as LayoutInput), width }) : undefined),
    [layoutKey, width],
  );
  if (!snapshot || !layout) return null;

  const { failover, shipments } = snapshot;
  const lastFailed = snapshot.failoverStory.lastFailedCheck;
  const candidate = snapshot.failoverStory.phases.at(-1)?.node;
  // For the words (how many on each link); the dots themselves move in MovingTraffic.
  const traffic = placeShipments(
    layout.paths.replication,
    shipments,
    snapshot.nowMs,
    queuedTotals(snapshot.replication),
  );
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
          <span className="topology-legend-dot" aria-hidden="true" /> transaction on its way to a replica{' '}
          <span className="topology-legend-queued" aria-hidden="true" /> received, waiting to be replayed · click a node
          for its faults
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
          <MovingTraffic layout={layout} highlight={highlight} />
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

/** The transactions on the links, placed at the newest snapshot's engine time: the part that moves every frame. */
function MovingTraffic({ layout, highlight }: { layout: TopologyLayout; highlight: Highlight | null }) {
  const shipments = useLab(selectShipments);
  const nowMs = useLab((s) => s.snapshot?.nowMs ?? 0);
  const replication = useLab((s) => s.snapshot?.replication);
  return placeShipments(layout.paths.replication, shipments, nowMs, queuedTotals(replication)).map((t) => (
    <Traffic key={t.replica} traffic={t} highlight={highlight} />
  ));
}

/** Each replica's whole replay queue (the snapshot's shipments carry only its oldest). */
function queuedTotals(rows: ClusterSnapshot['replication'] | undefined): Map<string, number> {
  return new Map((rows ?? []).map((r) => [r.name, r.queued]));
}

function layoutInputOf(snapshot: ClusterSnapshot): Omit<LayoutInput, 'width'> {
  const primary = snapshot.failover.primary;
  const others = snapshot.nodes.map((n) => n.name).filter((n) => n !== primary);
  const following = new Set(snapshot.replication.map((r) => r.name));
  // The standby (RDS Multi-AZ) serves no reads; a node that follows nobody (an old primary) goes last.
  const readers = others.filter((n) => n !== 'standby' && following.has(n));
  const rest = others
    .filter((n) => !readers.includes(n))
    .sort((a, b) => Number(!following.has(a)) - Number(!following.has(b)));
  return {
    appServers: snapshot.app.servers,
    primary,
    others: [...readers, ...rest],
    readers,
    endpoint: snapshot.failover.endpoint,
  };
}
