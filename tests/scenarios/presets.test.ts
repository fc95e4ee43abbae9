/**
 * Every preset runs, and its summary says what the preset is there to teach: each test
 * asserts the lesson's facts (a stale read, a lost order, who was promoted, split brain,
 * downtime ...) rather than a fingerprint, so a change that breaks a lesson names it.
 * Nodes come from a pool (reset between runs) to keep the 17 runs quick.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NodePool } from '../../src/platform/node/nodePool.ts';
import { PRESETS } from '../../src/scenarios/presets/index.ts';
import { runScenario, type ScenarioSummary } from '../../src/scenarios/runner.ts';
import { parseScenario } from '../../src/scenarios/schema.ts';
import { SHARDING_PRESET_CHECKS } from '../sharding/presetChecks.ts';

const pool = new NodePool();
afterAll(() => pool.close());

const run = (name: string) => runScenario(parseScenario(PRESETS[name]), pool.factory);
const own = (s: ScenarioSummary) => s.reads.filter((r) => r.client !== 'load');

const CHECKS: Record<string, (s: ScenarioSummary) => void> = {
  'stale-read': (s) => {
    const [early, late] = own(s);
    expect(early).toMatchObject({ node: 'replica-1', stale: true, anomalies: ['stale', 'read-your-writes'] });
    expect(late.stale).toBe(false);
    expect(late.orderIds).toEqual(s.writes.map((w) => w.orderId));
  },
  'seed-timeline': (s) => {
    expect(s.rywViolations).toBe(1);
    expect(own(s).at(-1)?.anomalies).toEqual([]);
  },
  'apply-delay': (s) => {
    expect(s.staleReads).toBe(1);
    expect(s.replicas.every((r) => r.behindEntries === 0)).toBe(true);
  },
  'busy-replica': (s) => {
    expect(s.rywViolations).toBeGreaterThan(0);
    expect(s.converged).toBe(true);
  },
  'disconnected-replica': (s) => {
    expect(s.staleReads).toBeGreaterThan(0);
    expect(s.converged).toBe(true);
  },
  'replica-crash': (s) => {
    expect(s.reads.some((r) => r.error?.includes('Connection refused') || r.error?.includes('not yet accepting'))).toBe(
      true,
    );
    expect(s.converged).toBe(true);
  },
  'ryw-compare': (s) => {
    expect(s.rywViolations).toBeGreaterThan(0);
    expect(s.primaryReadShare).toBe(0);
  },
  'session-map': (s) => {
    expect(s.rywViolations).toBeGreaterThan(0);
    expect(new Set(own(s).map((r) => r.via)).size).toBeGreaterThan(1);
  },
  'analytics-lag': (s) => {
    const analytics = s.replicas.at(-1);
    expect(s.staleReads).toBeGreaterThan(100);
    expect(analytics?.behindEntries).toBe(0);
  },
  'mode-latency': (s) => {
    // async < semi-sync < sync remote_apply, each write's latency from the model.
    const latencies = s.writes.map((w) => (w.ackAt ?? 0) - w.at);
    expect(latencies).toEqual([...latencies].sort((a, b) => a - b));
    expect(new Set(latencies).size).toBe(3);
  },
  'sync-no-standby': (s) => {
    expect(s.writes.every((w) => w.ok)).toBe(true);
    expect(s.primaryReadShare).toBe(1);
  },
  'async-failover': (s) => {
    expect(s.failovers).toHaveLength(1);
    expect(s.lostWrites.length).toBeGreaterThan(0);
    expect(s.failovers[0].downtimeMs).toBeGreaterThan(0);
    // A lost order is loss, not lag: no read is called stale or a read-your-writes violation for it.
    expect(s.rywViolations).toBe(0);
  },
  'semi-sync-failover': (s) => {
    expect(s.failovers).toHaveLength(1);
    expect(s.lostWrites).toEqual([]);
  },
  'seed-failover-timeline': (s) => {
    expect(s.failovers).toMatchObject([{ promoted: 'replica-1', endpointMovedAt: 20_000 }]);
    expect(s.failovers[0].downtimeMs).toBeGreaterThanOrEqual(15_000);
  },
  'first-replica-failover': (s) => {
    expect(s.failovers[0].promoted).toBe('replica-1');
    expect(s.lostWrites).toHaveLength(3);
    expect(own(s)[0].lostOrderIds?.length).toBeGreaterThan(0);
  },
  'split-brain': (s) => {
    expect(s.splitBrain).toBe(true);
    const [onOld, onNew] = own(s);
    // The old primary holds its own timeline and misses the new primary's order: stale.
    expect(onOld).toMatchObject({ node: 'primary', stale: true, timeline: 1 });
    expect(onNew.node).toBe(s.primary);
    expect(onNew.lostOrderIds?.length).toBeGreaterThan(0);
  },
  'rds-multi-az': (s) => {
    expect(s.failovers).toMatchObject([{ promoted: 'standby' }]);
    expect(s.primary).toBe('standby');
    expect(s.lostWrites).toEqual([]);
    expect(s.reads.every((r) => r.servedBy !== 'standby' || r.at > (s.failovers[0].promotedAt ?? 0))).toBe(true);
  },
  ...SHARDING_PRESET_CHECKS,
};

describe('every preset teaches its lesson', () => {
  it('has a check for every preset', () => {
    expect(Object.keys(CHECKS).sort()).toEqual(Object.keys(PRESETS).sort());
  });
  for (const name of Object.keys(PRESETS)) {
    it(name, async () => {
      const summary = await run(name);
      expect(summary.historyEvents).toBeGreaterThan(0);
      CHECKS[name](summary);
    }, 120_000);
  }
});
