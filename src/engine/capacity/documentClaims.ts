/**
 * Every figure of the design document's capacity, cost and availability sections, beside
 * the same figure recomputed by capacity.ts from the inputs (the document's own by
 * default). The document's value is quoted as printed; the recomputed one is never typed
 * in: change an input and it follows. A verdict says whether they agree, differ only by
 * rounding, or are off, and `why` says what the document left out. Pure.
 */
import { downtimePerYearMs } from '../failover/availability.ts';
import {
  availabilityModel,
  type CapacityInputs,
  growthPlan,
  RDS_MULTI_AZ_FAILOVER_MS,
  replicaReadCapacity,
  roi,
  utilisation,
} from './capacity.ts';

/** `availability` is a percentage judged by what it leaves out (99.99 % vs 99.9917 % is 0.01 vs 0.0083). */
export type FigureUnit =
  | 'percent'
  | 'availability'
  | 'perSec'
  | 'hours'
  | 'minutes'
  | 'seconds'
  | 'usd'
  | 'count'
  | 'factor';

export interface Figure {
  value: number;
  unit: FigureUnit;
}

export type Verdict = 'agrees' | 'rounded' | 'off';

export interface DocumentClaim {
  id: string;
  /** The document's section and what it claims, in its words. */
  section: string;
  claim: string;
  document: Figure;
  recomputed: Figure;
  verdict: Verdict;
  /** What the recomputation counts that the document did not (empty when they agree). */
  why: string;
}

/**
 * The document's read routing ("Load Distribution"): which replica takes which share of
 * the reads. Replica 1 takes browsing and "view orders", so it is not one third.
 */
export const DOCUMENT_READ_ROUTING: Readonly<Record<string, readonly { what: string; share: number }[]>> = {
  'Replica 1': [
    { what: 'browse products', share: 0.33 },
    { what: 'view orders', share: 0.17 },
  ],
  'Replica 2': [{ what: 'search products', share: 0.33 }],
  'Replica 3': [{ what: 'analytics', share: 0.17 }],
};

/** The document's failover times, which disagree with each other. */
export const DOCUMENT_FAILOVER_TIMES_S = { timeline: 20, summary: 30, rdsTable: [30, 60] } as const;

/** Within 0.5 %: agrees; within 2 %: a rounding; beyond: off. */
export function verdictOf(document: number, recomputed: number): Verdict {
  const scale = Math.max(Math.abs(document), Math.abs(recomputed), 1e-12);
  const diff = Math.abs(document - recomputed) / scale;
  return diff < 0.005 ? 'agrees' : diff < 0.02 ? 'rounded' : 'off';
}

function claim(
  id: string,
  section: string,
  text: string,
  document: Figure,
  recomputed: Figure,
  why: string,
  options: { alwaysWhy?: boolean } = {},
): DocumentClaim {
  const down = (f: Figure) => (f.unit === 'availability' ? 100 - f.value : f.value);
  const verdict = verdictOf(down(document), down(recomputed));
  return {
    id,
    section,
    claim: text,
    document,
    recomputed,
    verdict,
    why: verdict === 'agrees' && !options.alwaysWhy ? '' : why,
  };
}

const pct = (value: number): Figure => ({ value: value * 100, unit: 'percent' });
const perSec = (value: number): Figure => ({ value, unit: 'perSec' });
const usd = (value: number): Figure => ({ value, unit: 'usd' });
const count = (value: number): Figure => ({ value, unit: 'count' });
const HOUR_MS = 3_600_000;

/** The document's figures and the recomputed ones, in the document's order. */
export function documentClaims(inputs: CapacityInputs): DocumentClaim[] {
  const use = utilisation(inputs);
  const growth = growthPlan(inputs);
  const avail = availabilityModel(inputs);
  const busiest = Math.max(
    ...Object.values(DOCUMENT_READ_ROUTING).map((parts) => parts.reduce((sum, p) => sum + p.share, 0)),
  );
  const after9999 = downtimePerYearMs(0.9999);
  const docRoi = roi(inputs, after9999);
  const modelRoi = roi(inputs, avail.downtimeAfterMs);
  const doc = growth.documentMethod;
  const best = growth.cheapest;
  // Before replication the one database serves the reads beside executing every write (replay cost aside).
  const singleNodeReads = replicaReadCapacity({ ...inputs, replayCost: 1 }, inputs.peakWritesPerSec);
  const replay = `every replica also replays the primary's ${Math.round(inputs.peakWritesPerSec).toLocaleString('en-US')} writes/s (replay cost ${inputs.replayCost})`;
  return [
    claim(
      'write-utilisation',
      'Capacity',
      'Master: 1,400 of 10,000 writes/s',
      pct(0.14),
      pct(use.writeUtilisation),
      'different inputs',
    ),
    claim('read-capacity', 'Capacity', '3 replicas: 30,000 reads/s', perSec(30_000), perSec(use.readCapacity), replay),
    claim('read-utilisation', 'Capacity', '9,600 reads/s: 32 %', pct(0.32), pct(use.readUtilisation), replay),
    claim(
      'reads-per-replica',
      'Load distribution',
      'Each replica: 3,200 reads/s',
      perSec(3_200),
      perSec(busiest * inputs.peakReadsPerSec),
      'its own routing sends browsing (33 %) and view orders (17 %) to Replica 1: the busiest replica takes half the reads',
    ),
    claim(
      'write-share',
      'Load distribution',
      'Writes are 20 % of the operations',
      pct(0.2),
      pct(inputs.peakWritesPerSec / (inputs.peakWritesPerSec + inputs.peakReadsPerSec)),
      'its own peaks, 1,400 writes/s and 9,600 reads/s, make writes 12.7 % of what reaches the database',
    ),
    claim(
      'read-capacity-before',
      'Performance',
      'Before, one database: 10,000 reads/s',
      perSec(10_000),
      perSec(singleNodeReads),
      `the one database also executes the ${Math.round(inputs.peakWritesPerSec).toLocaleString('en-US')} writes/s`,
    ),
    claim(
      'read-capacity-factor',
      'Performance',
      '3 replicas: 3x read capacity',
      { value: 3, unit: 'factor' },
      { value: singleNodeReads > 0 ? use.readCapacity / singleNodeReads : Number.NaN, unit: 'factor' },
      'replay on the replicas against the writes on the single database',
    ),
    claim(
      'downtime-9999',
      'Availability',
      '99.99 %: 52 minutes down a year',
      { value: 52, unit: 'minutes' },
      { value: after9999 / 60_000, unit: 'minutes' },
      '0.01 % of 8,760 hours is 52.6 minutes',
    ),
    claim(
      'downtime-995',
      'Availability',
      '99.5 %: 43.8 hours down a year',
      { value: 43.8, unit: 'hours' },
      { value: downtimePerYearMs(inputs.availabilityBefore) / HOUR_MS, unit: 'hours' },
      'different inputs',
    ),
    claim(
      'availability-after',
      'Availability',
      'Automatic failover gives 99.99 %',
      { value: 99.99, unit: 'availability' },
      { value: avail.availabilityAfter * 100, unit: 'availability' },
      `asserted, not derived: ${avail.failuresPerYear.toFixed(1)} failures a year (the document's 43.8 h in 30-minute manual failovers) at ${inputs.failoverMs / 1000} s each leave ${(avail.downtimeAfterMs / 60_000).toFixed(1)} min a year; with RDS Multi-AZ's real ${RDS_MULTI_AZ_FAILOVER_MS.min / 1000}-${RDS_MULTI_AZ_FAILOVER_MS.max / 1000} s it is ${(avail.rdsRange.availabilityMin * 100).toFixed(3)}-${(avail.rdsRange.availabilityMax * 100).toFixed(3)} %`,
    ),
    claim(
      'failover-time',
      'Failover',
      'Automatic failover in 30 seconds',
      { value: DOCUMENT_FAILOVER_TIMES_S.summary, unit: 'seconds' },
      { value: inputs.failoverMs / 1000, unit: 'seconds' },
      `the document says 20 s (its timeline), 30 s (its summary) and 30-60 s (RDS); AWS documents ${RDS_MULTI_AZ_FAILOVER_MS.min / 1000}-${RDS_MULTI_AZ_FAILOVER_MS.max / 1000} s for a Multi-AZ instance`,
      { alwaysWhy: true },
    ),
    claim(
      'improvement',
      'Availability',
      'Improvement: 50x better',
      { value: 50, unit: 'factor' },
      { value: (1 - inputs.availabilityBefore) / (1 - 0.9999), unit: 'factor' },
      'different inputs',
    ),
    claim(
      'growth-writes',
      '10x growth',
      '14,000 writes/s: 2 masters at 7,000 each',
      count(2),
      count(doc.shards),
      'different inputs',
    ),
    claim(
      'growth-replica-capacity',
      '10x growth',
      '10 replicas = 100,000 reads/s',
      perSec(100_000),
      perSec(doc.readCapacity),
      `each of the ${doc.shards} shards' replicas replays its ${Math.round(doc.writesPerShard).toLocaleString('en-US')} writes/s, so ${doc.replicas} replicas serve ${Math.round(doc.readCapacity).toLocaleString('en-US')} reads/s: ${(doc.readUtilisation * 100).toFixed(0)} % of them for 96,000`,
    ),
    claim(
      'growth-nodes',
      '10x growth',
      '2 masters + 10 replicas (+ a standby each): 14 nodes',
      count(14),
      count(best?.nodes ?? Number.NaN),
      best
        ? `the cheapest layout with replay counted is ${best.shards} shards x ${best.replicasPerShard} replicas (${best.nodes} nodes with primaries and standbys, $${best.costPerMonth.toLocaleString('en-US')} a month)`
        : 'no layout serves the load: replay alone fills every replica',
    ),
    claim(
      'cost-month',
      'Cost',
      'Master, standby and 3 replicas: $2,500/month',
      usd(2_500),
      usd(docRoi.costPerMonth),
      'different inputs',
    ),
    claim(
      'cost-year',
      'Cost',
      'Extra cost: $2,000 x 12 = $24,000/year',
      usd(24_000),
      usd(docRoi.extraCostPerYear),
      'different inputs',
    ),
    claim(
      'roi-hours',
      'ROI',
      '43 h -> 52 min: 42 hours saved',
      { value: 42, unit: 'hours' },
      { value: docRoi.downtimeSavedHours, unit: 'hours' },
      'it rounds 43.8 h down to 43 and drops the 52.6 minutes: 43.8 h - 52.6 min = 42.9 h',
    ),
    claim(
      'roi-savings',
      'ROI',
      '42 h x $10,000 = $420,000/year',
      usd(420_000),
      usd(docRoi.savingsPerYear),
      "the 42.9 hours the document's own availabilities give",
    ),
    claim(
      'roi-net',
      'ROI',
      'Net benefit: $396,000/year',
      usd(396_000),
      usd(docRoi.netPerYear),
      "the 42.9 hours the document's own availabilities give",
    ),
    claim(
      'roi-modelled',
      'ROI',
      'Net benefit from failures x failover time',
      usd(396_000),
      usd(modelRoi.netPerYear),
      `${avail.failuresPerYear.toFixed(1)} failures a year at ${inputs.failoverMs / 1000} s leave ${(avail.downtimeAfterMs / 60_000).toFixed(1)} minutes a year, not the 99.99 % the document assumes`,
    ),
  ];
}

/** A figure as the panel and the README print it: "37.2 %", "25,800/s", "$405,240", "52.6 min". */
export function formatFigure({ value, unit }: Figure): string {
  if (!Number.isFinite(value)) return '—';
  const n = (digits: number) =>
    value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  switch (unit) {
    case 'percent':
      return `${n(1)} %`;
    case 'availability':
      return `${n(4)} %`;
    case 'perSec':
      return `${n(0)}/s`;
    case 'hours':
      return `${n(2)} h`;
    case 'minutes':
      return `${n(1)} min`;
    case 'seconds':
      return `${n(1)} s`;
    case 'usd':
      return `$${n(0)}`;
    case 'count':
      return n(0);
    case 'factor':
      return `${n(1)}x`;
  }
}
