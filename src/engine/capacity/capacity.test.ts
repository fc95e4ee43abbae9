/**
 * The capacity and cost model against the design document's numbers: where its arithmetic
 * holds the model agrees, where it leaves replay, its own routing or its rounding out the
 * model gives the corrected figure, and every figure follows the inputs.
 */
import { describe, expect, it } from 'vitest';
import type { FailoverDowntime } from '../checker/downtime.ts';
import type { Recorded } from '../sim/history.ts';
import {
  availabilityModel,
  type CapacityInputs,
  DOCUMENT_INPUTS,
  growthPlan,
  replicaReadCapacity,
  roi,
  utilisation,
} from './capacity.ts';
import { documentClaims, formatFigure, verdictOf } from './documentClaims.ts';
import { meanFailoverDowntimeMs, measuredRates } from './measured.ts';

const doc: CapacityInputs = { ...DOCUMENT_INPUTS };

describe('utilisation', () => {
  it("agrees with the document's 14 % and 30,000 reads/s when replay is free, and corrects them when it is not", () => {
    const free = utilisation({ ...doc, replayCost: 0 });
    expect(free.writeUtilisation).toBeCloseTo(0.14, 12);
    expect(free.readCapacity).toBe(30_000);
    expect(free.readUtilisation).toBeCloseTo(0.32, 12);
    const real = utilisation(doc);
    expect(real.naiveReadCapacity).toBe(30_000);
    expect(real.readCapacity).toBe(25_800);
    expect(real.readUtilisation).toBeCloseTo(9_600 / 25_800, 12);
    expect(real.readsPerReplica).toBe(3_200);
  });
  it('leaves a replica no reads once replay fills it', () => {
    expect(replicaReadCapacity(doc, 10_000)).toBe(0);
    expect(replicaReadCapacity(doc, 12_000)).toBe(0);
    expect(replicaReadCapacity({ ...doc, targetUtilisation: 0.7 }, 1_400)).toBeCloseTo(5_600, 9);
  });
});

describe('10x growth', () => {
  it("reproduces the document's method (2 shards, 10 replicas) and shows those replicas serve 30,000 reads/s", () => {
    const plan = growthPlan(doc);
    expect(plan.writesPerSec).toBe(14_000);
    expect(plan.readsPerSec).toBe(96_000);
    expect(plan.documentMethod.shards).toBe(2);
    expect(plan.documentMethod.replicas).toBe(10);
    expect(plan.documentMethod.writesPerShard).toBe(7_000);
    expect(plan.documentMethod.readCapacity).toBeCloseTo(30_000, 6);
    expect(plan.documentMethod.readUtilisation).toBeCloseTo(3.2, 9);
    expect(plan.documentMethod.nodes).toBe(14);
  });
  it('finds the cheapest layout with replay counted: 3 shards x 6 replicas, 24 nodes', () => {
    const plan = growthPlan(doc);
    expect(plan.fewestShards).toMatchObject({ shards: 2, replicasPerShard: 16, nodes: 36 });
    expect(plan.cheapest).toMatchObject({
      shards: 3,
      replicasPerShard: 6,
      replicas: 18,
      nodes: 24,
      costPerMonth: 12_000,
    });
    expect(plan.cheapest!.readUtilisation).toBeLessThanOrEqual(1);
  });
  it('with free replay needs what the document says, and no standby means fewer nodes', () => {
    const plan = growthPlan({ ...doc, replayCost: 0, standby: false });
    expect(plan.cheapest).toMatchObject({ shards: 2, replicas: 10, nodes: 12 });
  });
  it('keeps headroom when asked: at 70 % the writes need 2 shards still and more replicas', () => {
    const plan = growthPlan({ ...doc, targetUtilisation: 0.7 });
    expect(plan.cheapest!.writeUtilisation).toBeLessThanOrEqual(0.7);
    expect(plan.cheapest!.nodes).toBeGreaterThan(24);
  });
});

describe('availability and ROI', () => {
  it("derives the failure rate from the document's before (87.6 failures a year) and the availability from the failover time", () => {
    const a = availabilityModel(doc);
    expect(a.failuresPerYear).toBeCloseTo(87.6, 9);
    expect(a.downtimeAfterMs / 60_000).toBeCloseTo(43.8, 9);
    expect(a.availabilityAfter).toBeGreaterThan(0.9999);
    expect(a.rdsRange.availabilityMax).toBeLessThan(0.9999);
    expect(a.rdsRange.downtimeMaxMs / 60_000).toBeCloseTo(175.2, 9);
    const given = availabilityModel({ ...doc, failuresPerYear: 12, failoverMs: 20_000 });
    expect(given.failuresImplied).toBe(false);
    expect(given.downtimeAfterMs).toBe(240_000);
  });
  it("recomputes the ROI: $405,240 with the document's own availabilities, not $396,000", () => {
    const r = roi(doc, 0.0001 * 365 * 24 * 3_600_000);
    expect(r.costPerMonth).toBe(2_500);
    expect(r.extraCostPerYear).toBe(24_000);
    expect(r.downtimeSavedHours).toBeCloseTo(42.924, 3);
    expect(Math.round(r.savingsPerYear)).toBe(429_240);
    expect(Math.round(r.netPerYear)).toBe(405_240);
  });
});

describe("the document's claims", () => {
  const claims = documentClaims(doc);
  const byId = (id: string) => claims.find((c) => c.id === id)!;
  it('agrees where its arithmetic holds', () => {
    for (const id of [
      'write-utilisation',
      'read-capacity-factor',
      'downtime-995',
      'improvement',
      'growth-writes',
      'cost-month',
      'cost-year',
    ]) {
      expect(byId(id).verdict, id).toBe('agrees');
      expect(byId(id).why).toBe('');
    }
    expect(byId('downtime-9999').verdict).toBe('rounded');
  });
  it('is off, and says why, where it leaves something out', () => {
    const off = claims.filter((c) => c.verdict === 'off').map((c) => c.id);
    expect(off).toEqual([
      'read-capacity',
      'read-utilisation',
      'reads-per-replica',
      'write-share',
      'read-capacity-before',
      'availability-after',
      'growth-replica-capacity',
      'growth-nodes',
      'roi-hours',
      'roi-savings',
      'roi-net',
      'roi-modelled',
    ]);
    expect(formatFigure(byId('read-utilisation').recomputed)).toBe('37.2 %');
    expect(formatFigure(byId('reads-per-replica').recomputed)).toBe('4,800/s');
    expect(formatFigure(byId('write-share').recomputed)).toBe('12.7 %');
    expect(formatFigure(byId('growth-replica-capacity').recomputed)).toBe('30,000/s');
    expect(formatFigure(byId('roi-net').recomputed)).toBe('$405,240');
    expect(byId('growth-nodes').why).toContain('3 shards x 6 replicas');
  });
  it('follows the inputs: a measured 90 s failover misses 99.99 %', () => {
    const slow = documentClaims({ ...doc, failoverMs: 90_000 });
    const a = slow.find((c) => c.id === 'availability-after')!;
    expect(a.verdict).toBe('off');
    expect(a.recomputed.value).toBeLessThan(99.99);
    expect(formatFigure(a.recomputed)).toBe('99.975 %');
    expect(a.why).toContain('99.967-99.983 %');
    expect(slow.find((c) => c.id === 'failover-time')!.verdict).toBe('off');
  });
  it('judges by relative difference', () => {
    expect(verdictOf(100, 100.4)).toBe('agrees');
    expect(verdictOf(52, 52.56)).toBe('rounded');
    expect(verdictOf(42, 42.92)).toBe('off');
  });
});

describe('measured inputs', () => {
  const at = (type: string, t: number, node = 'replica-1') => ({ type, at: t, node }) as unknown as Recorded;
  it('takes the peak second of writes, reads and one replica’s replay', () => {
    const events = [
      at('write.ok', 100),
      at('write.ok', 900),
      at('write.ok', 1_100),
      at('read.ok', 1_200),
      at('repl.applied', 1_300),
      at('repl.applied', 1_400, 'replica-2'),
      at('repl.applied', 1_500),
      at('read.fail', 2_500),
    ];
    expect(measuredRates(events)).toEqual({ peakWritesPerSec: 2, peakReadsPerSec: 1, peakReplayPerSec: 2, seconds: 2 });
  });
  it('averages the measured failover downtimes, ignoring unfinished ones', () => {
    const d = (downtimeMs: number | null) => ({ downtimeMs }) as FailoverDowntime;
    expect(meanFailoverDowntimeMs([])).toBeUndefined();
    expect(meanFailoverDowntimeMs([d(null)])).toBeUndefined();
    expect(meanFailoverDowntimeMs([d(2_000), d(null), d(4_000)])).toBe(3_000);
  });
});
