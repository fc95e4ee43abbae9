/**
 * Rows and load per shard as two columns of bars, each with a dashed line at the mean, and
 * skew (max / mean) for both: the engine's for rows, the same formula over the shards'
 * operations per second for load. D3's scales place the bars (shardLayout.ts); React draws.
 * A table with the same numbers follows for screen readers and for copying.
 */
import type { ShardingSnapshot } from '../../engine/index.ts';
import { formatCount } from '../../page/format.ts';
import { useWidth } from '../shared/useWidth.ts';
import { layoutDistribution, skewOf } from './shardLayout.ts';

export function DistributionChart({ sharding }: { sharding: ShardingSnapshot }) {
  const [frameRef, width] = useWidth(true, 640);
  const live = sharding.shards.filter((s) => s.state !== 'removed');
  const data = live.map((s) => ({ name: s.name, rows: s.rows, load: s.opsPerSec }));
  const layout = layoutDistribution(data, width);
  const loadSkew = skewOf(data.map((d) => d.load));
  return (
    <figure className="shard-distribution" aria-labelledby="shard-distribution-caption">
      <figcaption id="shard-distribution-caption">
        Distribution · rows skew <strong data-testid="shard-skew">{sharding.skew.toFixed(2)}</strong> · load skew{' '}
        <strong data-testid="shard-load-skew">{loadSkew.toFixed(2)}</strong>{' '}
        <span className="muted">(max / mean; 1.00 is even)</span>
      </figcaption>
      <div ref={frameRef}>
        <svg
          className="shard-chart"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          preserveAspectRatio="xMinYMin meet"
          aria-hidden="true"
        >
          <text className="shard-chart-heading" x={layout.rowsX} y={14}>
            Rows
          </text>
          <text className="shard-chart-heading" x={layout.loadX} y={14}>
            Load (ops/s)
          </text>
          {layout.bars.map((b) => (
            <g key={b.shard}>
              <text className="shard-chart-label" x={layout.labelW} y={b.y + b.h / 2 + 4} textAnchor="end">
                {b.shard}
              </text>
              <rect className="shard-bar-rows" x={layout.rowsX} y={b.y} width={b.rowsW} height={b.h} rx={2} />
              <text className="shard-chart-value" x={layout.rowsX + b.rowsW + 4} y={b.y + b.h / 2 + 4}>
                {formatCount(b.rows)}
              </text>
              <rect className="shard-bar-load" x={layout.loadX} y={b.y} width={b.loadW} height={b.h} rx={2} />
              <text className="shard-chart-value" x={layout.loadX + b.loadW + 4} y={b.y + b.h / 2 + 4}>
                {formatCount(b.load)}
              </text>
            </g>
          ))}
          <line className="shard-mean" x1={layout.meanRowsX} x2={layout.meanRowsX} y1={20} y2={layout.height - 4} />
          <line className="shard-mean" x1={layout.meanLoadX} x2={layout.meanLoadX} y1={20} y2={layout.height - 4} />
        </svg>
      </div>
      <table className="visually-hidden" aria-label="Rows and load per shard">
        <thead>
          <tr>
            <th scope="col">Shard</th>
            <th scope="col">Rows</th>
            <th scope="col">Operations per second</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.name}>
              <th scope="row">{d.name}</th>
              <td>{d.rows}</td>
              <td>{d.load}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
