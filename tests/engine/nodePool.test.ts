/**
 * The node pool's reset is honest: a fault schedule run on reused nodes (after another
 * schedule dirtied them) gives the same history as on freshly booted nodes. The WAL and
 * the transaction ids cannot be rewound, so LSNs and xids are compared by rank (their
 * order), everything else as it is.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeFactory, Recorded } from '../../src/engine/index.ts';
import { runSchedule } from '../../src/fuzz/run.ts';
import { scheduleArb } from '../../src/fuzz/schedule.ts';
import { inProcessFactory } from '../../src/platform/node/nodeFactory.ts';
import { NodePool } from '../../src/platform/node/nodePool.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';

const pool = new NodePool();
afterAll(() => pool.close());

/** Replaces every LSN and xid by its rank among the history's values of that kind. */
function normalized(history: readonly Recorded[]): unknown[] {
  const ranks = (key: 'lsn' | 'xid' | 'replayLsn') => {
    const values = [
      ...new Set(history.flatMap((e) => (key in e ? [(e as unknown as Record<string, number>)[key]] : []))),
    ];
    values.sort((a, b) => a - b);
    return new Map(values.map((v, i) => [v, i]));
  };
  const lsn = ranks('lsn');
  const replay = ranks('replayLsn');
  const xid = ranks('xid');
  return history.map((e) => {
    const copy: Record<string, unknown> = { ...e };
    if ('lsn' in e) copy.lsn = lsn.get(e.lsn as number);
    if ('replayLsn' in e) copy.replayLsn = replay.get(e.replayLsn as number);
    if ('xid' in e) copy.xid = xid.get(e.xid as number);
    return copy;
  });
}

async function historyOf(schedule: Scenario, factory: NodeFactory): Promise<readonly Recorded[]> {
  return (await runSchedule(schedule, factory, { keepHistory: true })).history ?? [];
}

describe('the node pool', () => {
  it('hands out reset nodes: a schedule on reused nodes gives the same history as on fresh nodes', async () => {
    const [dirty, ...schedules] = fc.sample(scheduleArb(), { numRuns: 4, seed: 12 });
    // Dirty the pool's nodes with another schedule first (orders, promotions, rewinds).
    await runSchedule(dirty, pool.factory);
    for (const schedule of schedules) {
      const fresh = await historyOf(schedule, inProcessFactory);
      const reused = await historyOf(schedule, pool.factory);
      expect(reused.length).toBeGreaterThan(20);
      expect(normalized(reused)).toEqual(normalized(fresh));
    }
    expect(pool.counts.reused).toBeGreaterThan(0);
  }, 180_000);

  it('refuses calls on a node given back, so a finished run cannot touch the next one', async () => {
    const node = await pool.factory('primary', 'primary');
    await node.close();
    await expect(node.query('SELECT 1')).rejects.toThrow(/given back to the pool/);
  });

  it('replaces a node whose schema a console changed, so the next run starts from the snapshot', async () => {
    // Found by fuzzing the console: a table one schedule created stayed on a reused node
    // and the next schedule's replicas no longer equalled its primary.
    const tablesOf = async (node: Awaited<ReturnType<NodeFactory>>) =>
      (await node.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map(
        (r) => r.tablename,
      );
    const first = await pool.factory('primary', 'primary');
    const snapshotTables = await tablesOf(first);
    await first.console('CREATE TABLE fuzz_notes (id serial PRIMARY KEY, note text)', {
      maxRows: 10,
      timeoutS: 3,
      maxTimeoutS: 30,
    });
    expect(await tablesOf(first)).toContain('fuzz_notes');
    await first.close();
    const replacedBefore = pool.counts.replaced;
    const next = await pool.factory('primary', 'primary');
    expect(await tablesOf(next)).toEqual(snapshotTables);
    expect(pool.counts.replaced).toBe(replacedBefore + 1);
    await next.close();
  });
});
