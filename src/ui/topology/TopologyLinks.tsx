/**
 * The topology's edges: clients to the load balancer to the app servers, the read and
 * write paths (a write path that fails says so), each primary-to-replica link with its
 * lag and state, and the transactions on each link (dots placed by engine time, a bundle
 * when there are many, the queue waiting to be replayed at the replica's end).
 */
import type { ClusterSnapshot } from '../../engine/index.ts';
import { formatMs } from '../../page/format.ts';
import { type Highlight, isHighlighted } from './highlight.ts';
import type { LinkTraffic, TopologyLayout } from './topologyLayout.ts';

export function Links({
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
        x={layout.writeLabel.x}
        y={layout.writeLabel.y}
        textAnchor="end"
      >
        {writesFail
          ? `writes to ${snapshot.failover.endpoint} fail`
          : snapshot.sharding
            ? `writes → ${snapshot.failover.endpoint} · orders → shards`
            : `writes → ${snapshot.failover.endpoint}`}
      </text>
      {paths.replication.map((l) => {
        const row = snapshot.replication.find((r) => r.name === l.replica);
        const state = row ? row.state : 'not following';
        return (
          <g key={l.replica} data-testid={`link-${l.replica}`} data-state={state}>
            <path className={`topo-repl${state === 'streaming' ? '' : ' topo-repl-broken'}`} d={l.d} />
          </g>
        );
      })}
      {/* Labels after every line, so no later line crosses a label's halo. */}
      {paths.replication.map((l) => {
        const row = snapshot.replication.find((r) => r.name === l.replica);
        return (
          <text
            key={l.replica}
            className="topo-path-label"
            data-testid={`link-label-${l.replica}`}
            x={l.label.x}
            y={l.label.y}
            textAnchor="end"
          >
            {row ? `${formatMs(row.lagMs)} · ${row.state}` : 'not following'}
          </text>
        );
      })}
    </g>
  );
}

export function Traffic({ traffic, highlight }: { traffic: LinkTraffic; highlight: Highlight | null }) {
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
              {/* No progress in the words: a title that changed every frame cost a text update per dot per frame. */}
              <title>
                Transaction {d.entry}
                {d.orderIds.length > 0 ? ` (order ${d.orderIds.map((id) => `#${id}`).join(', ')})` : ''} on its way to{' '}
                {replica}
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
