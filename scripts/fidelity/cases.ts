/**
 * The fidelity cases: each names a scenario file (scripts/fidelity/scenarios, the lab's
 * own format, run unchanged on both sides) and the checks read from its run, each the
 * outcome to compare in words (which orders a read saw, whether a commit waited and
 * roughly how long against the apply delay, the error text and SQLSTATE of a refused
 * write, the next order id...). A check the lab is known to get wrong names the bullet of
 * the README's "Where the model simplifies" that says so; every other check must agree.
 * `behaviour` keys feed the page's "checked against PostgreSQL" marks (fidelity.json).
 */
import { answered, finished, latencyMs, type Probe, type RunRecord, type StepResult, seen, wrote } from './record.ts';

export interface Outcome {
  /** What is compared. */
  value: string;
  /** Shown beside it, not compared (measured times). */
  detail?: string;
}

export interface Check {
  id: string;
  /** What the check asks, for the table. */
  title: string;
  /** The page behaviour it covers (a key of BEHAVIOURS), if it proves one. */
  behaviour?: string;
  outcome: (r: RunRecord) => Outcome;
  /** The README "Where the model simplifies" bullet (its bold title) that documents a known disagreement. */
  simplification?: string;
}

export interface FidelityCase {
  scenario: string;
  probes?: Probe[];
  /** How long after the last step to keep going before the run is read (ms). */
  tailMs: number;
  checks: Check[];
}

/** What the page may mark as checked, in its words (shown in the mark's list). */
export const BEHAVIOURS: Record<string, string> = {
  'stale-read': 'a read on a lagging replica misses a new order, and sees it once the replica caught up',
  'apply-delay': 'an apply delay (recovery_min_apply_delay) keeps a replica stale for that long',
  'sync-levels':
    'synchronous_commit: on and remote_write return at once and leave the standby stale; remote_apply waits out its replay',
  'sync-no-standby': 'with its synchronous standby down a commit waits, and its row stays hidden from "my orders"',
  'read-only-standby': "a replica refuses writes with PostgreSQL's errors and is in recovery",
  'ddl-replicates': 'DDL on the primary reaches the replicas',
  promotion: 'promotion replays everything the standby had received',
  'sequence-jump': 'order ids jump ahead after promotion (sequences are logged 32 values ahead)',
  'lost-orders': 'a failover loses acknowledged orders the standby never received',
  'split-brain': 'an unfenced old primary still accepts writes',
};

const is = (value: string): Outcome => ({ value });

/** A commit's wait against an apply delay, in three coarse buckets (wall and engine time differ in detail). */
function commitWait(r: StepResult, delayMs: number): Outcome {
  const ms = latencyMs(r);
  if (ms === undefined) return { value: 'commit still waiting' };
  const bucket =
    ms < delayMs * 0.25 ? 'returns at once' : ms >= delayMs * 0.8 ? 'waits out the apply delay' : 'waits part of it';
  return { value: `commit ${bucket}`, detail: `${Math.round(ms)} ms` };
}

/** Commit wait, then whether a read on the standby right after the acknowledgement saw the row. */
function syncLevel(step: number): (r: RunRecord) => Outcome {
  return (r) => {
    const wait = commitWait(r.steps[step], 2000);
    const probe = r.probes[step];
    const id = r.steps[step].orderId;
    const fresh = !probe || !finished(probe) ? 'no read' : probe.orderIds?.includes(id ?? -1) ? 'fresh' : 'stale';
    return { value: `${wait.value}; standby read after it: ${fresh}`, detail: wait.detail };
  };
}

export const CASES: FidelityCase[] = [
  {
    scenario: 'stale-read',
    tailMs: 500,
    checks: [
      {
        id: 'stale-read',
        title: 'read on a standby 1.5 s behind, 300 ms after the order',
        behaviour: 'stale-read',
        outcome: (r) => is(seen(r.steps[1])),
      },
      {
        id: 'fresh-after-catch-up',
        title: 'the same read 3.5 s later',
        behaviour: 'stale-read',
        outcome: (r) => is(seen(r.steps[2])),
      },
    ],
  },
  {
    scenario: 'apply-delay',
    tailMs: 500,
    checks: [
      {
        id: 'apply-delay',
        title: 'recovery_min_apply_delay 2 s: reads at 0.5 s and 3 s',
        behaviour: 'apply-delay',
        outcome: (r) => is(`${seen(r.steps[1])} then ${seen(r.steps[2])}`),
      },
    ],
  },
  {
    scenario: 'sync-levels',
    probes: [1, 3, 5].map((afterStep) => ({ afterStep, node: 'replica-1', user: 1001 })),
    tailMs: 3000,
    checks: [
      {
        id: 'sync-on',
        title: 'synchronous_commit on, standby apply delay 2 s',
        behaviour: 'sync-levels',
        outcome: syncLevel(1),
      },
      {
        id: 'sync-remote-write',
        title: 'synchronous_commit remote_write, same standby',
        behaviour: 'sync-levels',
        outcome: syncLevel(3),
      },
      {
        id: 'sync-remote-apply',
        title: 'synchronous_commit remote_apply, same standby',
        behaviour: 'sync-levels',
        outcome: syncLevel(5),
      },
    ],
  },
  {
    scenario: 'sync-no-standby',
    tailMs: 1500,
    checks: [
      {
        id: 'sync-standby-down-waits',
        title: 'sync commit with its only standby down',
        behaviour: 'sync-no-standby',
        outcome: (r) => is(wrote(r.steps[2])),
      },
      {
        id: 'sync-waiting-row-my-orders',
        title: '"my orders" on the primary while that commit waits',
        behaviour: 'sync-no-standby',
        outcome: (r) => is(seen(r.steps[3])),
      },
      {
        id: 'sync-waiting-row-console',
        title: 'count(*) in the primary console while it waits',
        outcome: (r) => is(answered(r.steps[4])),
        simplification: 'A waiting synchronous commit is hidden only from "my orders"',
      },
    ],
  },
  {
    scenario: 'standby-console',
    tailMs: 500,
    checks: [
      {
        id: 'ddl-replicates',
        title: 'CREATE TABLE on the primary, then on the standby',
        behaviour: 'ddl-replicates',
        outcome: (r) => is(answered(r.steps[1])),
      },
      {
        id: 'standby-insert-refused',
        title: 'an order sent to the standby',
        behaviour: 'read-only-standby',
        outcome: (r) => is(wrote(r.steps[2])),
      },
      {
        id: 'standby-nextval-refused',
        title: "nextval('orders_order_id_seq') on the standby",
        behaviour: 'read-only-standby',
        outcome: (r) => is(answered(r.steps[3])),
      },
      {
        id: 'standby-in-recovery',
        title: 'pg_is_in_recovery() on the standby',
        behaviour: 'read-only-standby',
        outcome: (r) => is(answered(r.steps[4])),
      },
      {
        id: 'standby-read-write-refused',
        title: 'BEGIN READ WRITE on the standby',
        behaviour: 'read-only-standby',
        outcome: (r) => is(answered(r.steps[5])),
      },
    ],
  },
  {
    scenario: 'promotion',
    tailMs: 500,
    checks: [
      {
        id: 'promotion-replays-received',
        title: 'orders received but not replayed (apply delay 60 s), then promotion',
        behaviour: 'promotion',
        outcome: (r) => is(`before: ${seen(r.steps[4])}; after promotion: ${seen(r.steps[6])}`),
      },
      {
        id: 'sequence-jump',
        title: 'next order id on the promoted standby after ids 1-4',
        behaviour: 'sequence-jump',
        outcome: (r) => is(wrote(r.steps[7])),
      },
    ],
  },
  {
    scenario: 'lost-orders',
    tailMs: 500,
    checks: [
      {
        id: 'lost-acked-orders',
        title: 'link cut, 3 orders acknowledged, primary killed, standby promoted',
        behaviour: 'lost-orders',
        outcome: (r) => {
          const acked = [0, 2, 3, 4].map((i) => r.steps[i]).filter((s) => s.ok && s.orderId !== undefined);
          const after = r.steps[6].orderIds ?? [];
          const lost = acked.map((s) => s.orderId as number).filter((id) => !after.includes(id));
          return is(`acknowledged [${acked.map((s) => s.orderId).join(', ')}], lost [${lost.join(', ')}]`);
        },
      },
    ],
  },
  {
    scenario: 'split-brain',
    tailMs: 500,
    checks: [
      {
        id: 'unfenced-old-primary',
        title: 'no fencing: orders to the old primary and to the new one',
        behaviour: 'split-brain',
        outcome: (r) => is(`old primary ${wrote(r.steps[3])}; new primary ${wrote(r.steps[4])}`),
      },
    ],
  },
  {
    scenario: 'hot-standby',
    tailMs: 2500,
    checks: [
      {
        id: 'replay-during-long-query',
        title: 'an order during a 3 s query on the standby, read 1 s in',
        outcome: (r) => is(seen(r.steps[2])),
        simplification: 'An analytics query on a replica stops its replay',
      },
    ],
  },
];
