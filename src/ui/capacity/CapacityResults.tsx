/**
 * What the capacity model gives for the panel's inputs: utilisation today (the document's
 * way, replay ignored, and with every replica replaying the writes), the growth what-if
 * (the document's method and what it really serves, the fewest shards and the cheapest
 * layout), availability and downtime a year, the ROI, and the table of the document's
 * figures beside the recomputed ones with a verdict and why. All numbers come from the
 * engine's capacity functions; this only lays them out.
 */
import {
  availabilityModel,
  type CapacityInputs,
  documentClaims,
  type Figure,
  formatDuration,
  formatFigure,
  growthPlan,
  type Layout,
  roi,
  utilisation,
} from '../../engine/index.ts';

const f = (value: number, unit: Figure['unit']) => formatFigure({ value, unit });
const pct = (fraction: number) => f(fraction * 100, 'percent');
const perSec = (n: number) => f(n, 'perSec');
const usd = (n: number) => f(n, 'usd');

function Row({ term, id, children }: { term: string; id: string; children: React.ReactNode }) {
  return (
    <div className="capacity-row">
      <dt>{term}</dt>
      <dd data-testid={id}>{children}</dd>
    </div>
  );
}

function describeLayout(l: Layout): string {
  return `${l.shards} shard${l.shards === 1 ? '' : 's'} x ${l.replicasPerShard} replica${l.replicasPerShard === 1 ? '' : 's'}: ${l.nodes} nodes, ${usd(l.costPerMonth)} a month; serves ${perSec(l.readCapacity)} reads (${pct(l.readUtilisation)} used), primaries ${pct(l.writeUtilisation)} used`;
}

export function CapacityResults({ inputs }: { inputs: CapacityInputs }) {
  const use = utilisation(inputs);
  const growth = growthPlan(inputs);
  const avail = availabilityModel(inputs);
  const r = roi(inputs, avail.downtimeAfterMs);
  const claims = documentClaims(inputs);
  const doc = growth.documentMethod;
  return (
    <div className="capacity-results">
      <div className="capacity-columns">
        <section aria-labelledby="capacity-today">
          <h3 id="capacity-today">Today</h3>
          <dl className="capacity-list">
            <Row term="Primary" id="capacity-write-utilisation">
              {perSec(inputs.peakWritesPerSec)} of {perSec(use.writeCapacity)} writes: {pct(use.writeUtilisation)}
            </Row>
            <Row term="Replicas, replay ignored (the document)" id="capacity-naive-reads">
              {perSec(use.naiveReadCapacity)} reads: {pct(use.naiveReadUtilisation)} used
            </Row>
            <Row term="Replicas, replaying every write" id="capacity-read-utilisation">
              {perSec(use.readCapacity)} reads: {pct(use.readUtilisation)} used
            </Row>
          </dl>
        </section>
        <section aria-labelledby="capacity-growth">
          <h3 id="capacity-growth">{inputs.growth}x growth</h3>
          <dl className="capacity-list">
            <Row term="Load" id="capacity-growth-load">
              {perSec(growth.writesPerSec)} writes, {perSec(growth.readsPerSec)} reads
            </Row>
            <Row term="The document's method" id="capacity-growth-document">
              {doc.shards} primaries, {doc.replicas} replicas: serves {perSec(doc.readCapacity)} reads (
              {pct(doc.readUtilisation)} used)
            </Row>
            <Row term="Fewest shards" id="capacity-growth-fewest">
              {growth.fewestShards ? describeLayout(growth.fewestShards) : 'none: replay alone fills a replica'}
            </Row>
            <Row term="Cheapest layout" id="capacity-growth-cheapest">
              {growth.cheapest ? describeLayout(growth.cheapest) : 'none: replay alone fills a replica'}
            </Row>
          </dl>
        </section>
        <section aria-labelledby="capacity-availability">
          <h3 id="capacity-availability">Availability</h3>
          <dl className="capacity-list">
            <Row term="Failures a year" id="capacity-failures">
              {avail.failuresPerYear.toFixed(1)}
              {avail.failuresImplied ? ' (implied: downtime before / manual failover time)' : ''}
            </Row>
            <Row term="Down a year, before → after" id="capacity-downtime">
              {formatDuration(avail.downtimeBeforeMs)} → {formatDuration(avail.downtimeAfterMs)}
            </Row>
            <Row term="Availability after" id="capacity-availability-after">
              {f(avail.availabilityAfter * 100, 'availability')}
            </Row>
            <Row term="With RDS Multi-AZ's 60-120 s" id="capacity-availability-rds">
              {f(avail.rdsRange.availabilityMin * 100, 'availability')} –{' '}
              {f(avail.rdsRange.availabilityMax * 100, 'availability')}
            </Row>
          </dl>
        </section>
        <section aria-labelledby="capacity-roi">
          <h3 id="capacity-roi">Cost and ROI</h3>
          <dl className="capacity-list">
            <Row term="Nodes, cost a month" id="capacity-cost">
              {r.nodesAfter} nodes, {usd(r.costPerMonth)}
            </Row>
            <Row term="Extra cost a year" id="capacity-extra-cost">
              {usd(r.extraCostPerYear)}
            </Row>
            <Row term="Downtime saved a year" id="capacity-saved">
              {f(r.downtimeSavedHours, 'hours')}: {usd(r.savingsPerYear)}
            </Row>
            <Row term="Net benefit a year" id="capacity-net">
              {usd(r.netPerYear)}
            </Row>
          </dl>
        </section>
      </div>
      <div className="table-scroll">
        <table className="data-table capacity-claims" aria-label="The document's figures, recomputed">
          <thead>
            <tr>
              <th scope="col">Section</th>
              <th scope="col">The document says</th>
              <th scope="col">Document</th>
              <th scope="col">Recomputed</th>
              <th scope="col">Verdict</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {claims.map((c) => (
              <tr key={c.id} data-testid={`claim-${c.id}`} data-verdict={c.verdict}>
                <td>{c.section}</td>
                <th scope="row">{c.claim}</th>
                <td className="num">{formatFigure(c.document)}</td>
                <td className="num" data-testid={`claim-${c.id}-recomputed`}>
                  {formatFigure(c.recomputed)}
                </td>
                <td>
                  <span className={`badge capacity-verdict-${c.verdict}`}>{c.verdict}</span>
                </td>
                <td className="capacity-why">{c.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
