/**
 * The topology in words, for screen readers: where clients' reads and writes go, the
 * failover manager's state, the open timeline evidence, and one line per node and link.
 */
import type { ClusterSnapshot } from '../../engine/index.ts';
import { formatMs } from '../../page/format.ts';
import { describeHighlight, type Highlight } from './highlight.ts';
import type { LinkTraffic } from './topologyLayout.ts';

/** The picture in words, one line per node and link, for screen readers. */
export function ScreenReaderList({
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
