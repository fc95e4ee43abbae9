/**
 * The shards as a picture: the router on top, each shard below with its state, rows,
 * users and load, and while a move copies or catches up, rows drawn travelling from the
 * source shards to the targets along arcs, placed by engine time (pause freezes them,
 * speed and step move them exactly). D3 only computes (shardLayout.ts); React draws.
 */
import { useMemo } from 'react';
import type { ShardingSnapshot, ShardSnapshot } from '../../engine/index.ts';
import { formatCount, formatPercent } from '../../page/format.ts';
import { useWidth } from '../shared/useWidth.ts';
import { layoutShards, moveArcs, rowDots, type ShardBox } from './shardLayout.ts';
import { describeShards, PHASE_TEXT } from './shardText.ts';

function ShardNode({ box, shard, role }: { box: ShardBox; shard: ShardSnapshot; role?: 'source' | 'target' }) {
  const cx = box.x + box.w / 2;
  const barW = box.w - 20;
  return (
    <g
      data-testid={`shard-node-${shard.name}`}
      data-state={shard.state}
      data-rows={shard.rows}
      data-down={shard.down ? 'true' : undefined}
    >
      <rect
        className={`shard-node shard-node-${shard.state}${shard.down ? ' shard-node-down' : ''}${role ? ` shard-node-${role}` : ''}`}
        x={box.x}
        y={box.y}
        width={box.w}
        height={box.h}
        rx={8}
      />
      <text className="shard-node-name" x={cx} y={box.y + 20} textAnchor="middle">
        {shard.name}
      </text>
      <text className="shard-node-state" x={cx} y={box.y + 36} textAnchor="middle">
        {shard.down ? 'down' : shard.state}
        {role ? ` · ${role}` : ''}
      </text>
      <text className="shard-node-rows" x={cx} y={box.y + 56} textAnchor="middle">
        {formatCount(shard.rows)} rows · {formatCount(shard.users)} users
      </text>
      <rect className="shard-load-track" x={box.x + 10} y={box.y + 68} width={barW} height={7} rx={3} />
      <rect
        className="shard-load-bar"
        x={box.x + 10}
        y={box.y + 68}
        width={Math.min(1, shard.utilisation) * barW}
        height={7}
        rx={3}
      />
      <text className="shard-node-load" x={cx} y={box.y + 87} textAnchor="middle">
        {formatCount(shard.opsPerSec)} ops/s · {formatPercent(shard.utilisation)}
      </text>
    </g>
  );
}

export function ShardTopology({ sharding, nowMs }: { sharding: ShardingSnapshot; nowMs: number }) {
  const [frameRef, width] = useWidth(true, 900);
  const live = sharding.shards.filter((s) => s.state !== 'removed');
  const names = live.map((s) => s.name).join(',');
  const layout = useMemo(() => layoutShards(names.split(','), width), [names, width]);
  const move = sharding.move;
  const arcs = useMemo(() => (move ? moveArcs(layout, move) : []), [layout, move]);
  const dots = move ? rowDots(arcs, move, nowMs) : [];
  const roleOf = (name: string) =>
    move?.sources.includes(name) ? 'source' : move?.targets.includes(name) ? 'target' : undefined;
  return (
    <div className="shard-frame" ref={frameRef}>
      <svg
        className="shard-svg"
        role="img"
        aria-label={describeShards(sharding)}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        preserveAspectRatio="xMidYMid meet"
      >
        {layout.links.map((l) => (
          <path key={l.shard} className="shard-link" d={l.d} />
        ))}
        <rect
          className="shard-router"
          x={layout.router.x}
          y={layout.router.y}
          width={layout.router.w}
          height={layout.router.h}
          rx={8}
        />
        <text className="shard-node-name" x={layout.width / 2} y={layout.router.y + 24} textAnchor="middle">
          Router (app tier)
        </text>
        {layout.shards.map((box) => {
          const shard = live.find((s) => s.name === box.name);
          return shard ? <ShardNode key={box.name} box={box} shard={shard} role={roleOf(box.name)} /> : null;
        })}
        {arcs.map((a) => (
          <path key={`${a.from}-${a.to}`} className="shard-arc" d={a.d} data-testid={`move-arc-${a.from}-${a.to}`} />
        ))}
        {dots.map((d) => (
          <circle
            key={d.key}
            className="shard-row-dot"
            r={4.5}
            data-testid="moving-row"
            data-t={d.t.toFixed(2)}
            style={{ transform: `translate(${d.at.x}px, ${d.at.y}px)` }}
          />
        ))}
        {move && move.phase !== 'done' && move.phase !== 'failed' && arcs[0] && (
          <text className="shard-arc-label" x={layout.width / 2} y={layout.height - 4} textAnchor="middle">
            {PHASE_TEXT[move.phase].label}: {PHASE_TEXT[move.phase].text}
          </text>
        )}
      </svg>
    </div>
  );
}
