/**
 * The topology's boxes: a node (name, role, status pill and tags such as fenced or slow,
 * its head or replay LSN, ops/s, how far behind it is, the endpoint's halo, the ring of an
 * open timeline evidence that names it) and the small boxes for clients, the load balancer
 * and the app servers.
 */
import type { NodeSnapshot, ReplicationStatus } from '../../engine/index.ts';
import { SLOW_APPLY_RATE_PER_SEC } from '../../page/commands.ts';
import { formatCount, formatLsnOrDash, formatMs } from '../../page/format.ts';
import { type Highlight, highlightRole, nodeLabel } from './highlight.ts';
import type { Box } from './topologyLayout.ts';

/** What a node box says beyond its snapshot row. */
export interface NodeMarks {
  endpoint: boolean;
  fenced: boolean;
  partitioned: boolean;
  oldPrimary: boolean;
}

export function SmallBox({ box, text }: { box: Box; text: string }) {
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

export function NodeBox({ box, node, row, primary, headLsn, headIndex, marks, highlight }: NodeBoxProps) {
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
