/**
 * Random fault schedules for the fuzzer and the property tests, as fast-check arbitraries
 * (fast-check also shrinks a failing one). A schedule is an ordinary scenario: settings
 * (replicas, lags, a Multi-AZ standby or not, fast health checks and failover phases so a
 * run sees several failovers) and timed steps mixing client writes and reads throughout
 * with kills, restarts, partitions, heals, disconnects, lag and apply-delay changes,
 * replication-mode changes, load, fencing on and off, both promotion policies, session
 * stores, read-your-writes strategies and SQL typed into consoles. A failing one is saved as a scenario file that
 * `npm run scenario` replays.
 */
import fc from 'fast-check';
import type { Scenario, Step } from '../scenarios/schema.ts';

/** Engine ms during which the random steps happen. */
export const SCHEDULE_MS = 12_000;

export interface ScheduleShape {
  replicas: number;
  standby: boolean;
}

const USERS = [1001, 1002, 1003, 1004];

function replicaNames(shape: ScheduleShape): string[] {
  return Array.from({ length: shape.replicas }, (_, i) => `replica-${i + 1}`);
}

/** Nodes a fault may hit: the primary, the replicas, the standby, whoever is primary then. */
function nodeNames(shape: ScheduleShape): string[] {
  return ['primary', 'current-primary', ...replicaNames(shape), ...(shape.standby ? ['standby'] : [])];
}

type Action = Exclude<Step, { do: 'wait' }>;

/**
 * What a learner types into a node's console: reads, writes to the shop's tables and to a
 * table of its own, DDL that must replicate in log order, transactions committed and left
 * open, session settings that must not leak into the shop, ways of asking a standby for a
 * read-write transaction, statements the console refuses and plain mistakes. Sent to any
 * node; each answer must be PostgreSQL's (or the console's refusal), never an internal error.
 */
export const FUZZ_SQL = [
  'SELECT count(*) FROM orders',
  'SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()',
  "INSERT INTO orders (user_id, total_amount, created_at) VALUES (1001, 7, '2026-01-01T00:00:00Z') RETURNING order_id",
  'UPDATE products SET price = price + 1 WHERE product_id = 1',
  'CREATE TABLE IF NOT EXISTS fuzz_notes (id serial PRIMARY KEY, note text)',
  "INSERT INTO fuzz_notes (note) VALUES ('hello')",
  'ALTER TABLE fuzz_notes ADD COLUMN IF NOT EXISTS extra integer',
  'CREATE INDEX IF NOT EXISTS fuzz_notes_note_idx ON fuzz_notes (note)',
  'DELETE FROM fuzz_notes WHERE id % 2 = 0',
  'TRUNCATE fuzz_notes',
  'DROP TABLE IF EXISTS fuzz_notes',
  "BEGIN; INSERT INTO fuzz_notes (note) VALUES ('kept'); COMMIT",
  "BEGIN; INSERT INTO fuzz_notes (note) VALUES ('left open')",
  'SET default_transaction_read_only = on; SELECT 1',
  'BEGIN READ WRITE; SELECT 1; COMMIT',
  "SELECT set_config('transaction_read_only', 'off', false)",
  "SELECT nextval('orders_order_id_seq')",
  "ALTER SYSTEM SET work_mem = '8MB'",
  'SELEC 1',
  'SELECT * FROM no_such_table',
];

function actionArb(shape: ScheduleShape): fc.Arbitrary<Action> {
  const node = fc.constantFrom(...nodeNames(shape));
  const replica = fc.constantFrom(...replicaNames(shape), ...(shape.standby ? ['standby'] : []));
  const user = fc.constantFrom(...USERS);
  const target = fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.constantFrom('app-1', 'app-2').map((via) => ({ via })) },
    { weight: 1, arbitrary: node.map((n) => ({ node: n })) },
  );
  const names = replicaNames(shape);
  const mode = shape.standby
    ? fc.constant(undefined)
    : fc.oneof(
        fc.constant({ do: 'setMode' as const, mode: 'async' as const }),
        fc
          .integer({ min: 200, max: 3000 })
          .map((timeoutMs) => ({ do: 'setMode' as const, mode: 'semi-sync' as const, timeoutMs })),
        fc
          .record({
            level: fc.constantFrom('remote_write' as const, 'on' as const, 'remote_apply' as const),
            standbys: fc.constantFrom(`ANY 1 (${names.join(', ')})`, 'FIRST 1 (replica-1)'),
          })
          .map((m) => ({ do: 'setMode' as const, mode: 'sync' as const, ...m })),
      );
  const arbs: fc.Arbitrary<Action | undefined>[] = [
    fc.record({ user, total: fc.integer({ min: 1, max: 99 }), t: target }).map(({ t, ...w }) => ({
      do: 'placeOrder' as const,
      ...w,
      ...t,
    })),
    fc.record({ user, t: target }).map(({ user, t }) => ({ do: 'readOrders' as const, user, ...t })),
    node.map((n) => ({ do: 'killNode' as const, node: n })),
    node.map((n) => ({ do: 'restartNode' as const, node: n })),
    node.map((n) => ({ do: 'partition' as const, node: n })),
    fc.option(node, { nil: undefined }).map((n) => ({ do: 'heal' as const, ...(n ? { node: n } : {}) })),
    replica.map((n) => ({ do: 'disconnect' as const, node: n })),
    replica.map((n) => ({ do: 'reconnect' as const, node: n })),
    fc.record({ node: replica, ms: fc.integer({ min: 0, max: 2500 }) }).map((r) => ({ do: 'setLag' as const, ...r })),
    fc
      .record({ node: replica, ms: fc.integer({ min: 0, max: 1500 }) })
      .map((r) => ({ do: 'setApplyDelay' as const, ...r })),
    mode,
    fc
      .record({
        writesPerSec: fc.integer({ min: 1, max: 15 }),
        readsPerSec: fc.integer({ min: 1, max: 30 }),
        users: fc.integer({ min: 1, max: 4 }),
      })
      .map((l) => ({ do: 'startLoad' as const, ...l })),
    fc.constant({ do: 'stopLoad' as const }),
    fc.boolean().map((on) => ({ do: 'setFencing' as const, on })),
    fc.record({ node, text: fc.constantFrom(...FUZZ_SQL) }).map((r) => ({ do: 'sql' as const, ...r })),
  ];
  return fc.oneof(...arbs).filter((a): a is Action => a !== undefined);
}

/** The choices a schedule starts with (at 0): fencing, promotion policy, sessions, routing, and often a mode. */
function openingArb(shape: ScheduleShape): fc.Arbitrary<Action[]> {
  const names = replicaNames(shape).join(', ');
  const modes: Action[] = shape.standby
    ? []
    : [
        { do: 'setMode', mode: 'sync', level: 'on', standbys: `ANY 1 (${names})` },
        { do: 'setMode', mode: 'sync', level: 'remote_apply', standbys: `FIRST 1 (${names})` },
        { do: 'setMode', mode: 'semi-sync', timeoutMs: 1000 },
      ];
  return fc
    .record({
      mode: fc.option(fc.constantFrom(...(modes.length ? modes : [undefined])), { nil: undefined }),
      fencing: fc.boolean(),
      policy: fc.constantFrom('most-up-to-date' as const, 'first-replica' as const),
      store: fc.constantFrom('per-app-server' as const, 'shared' as const),
      strategy: fc.constantFrom('none' as const, 'primary-after-write' as const, 'lsn-wait' as const),
      readPolicy: fc.constantFrom('round-robin' as const, 'sticky' as const, 'least-lag' as const),
    })
    .map((o): Action[] => [
      { do: 'setFencing', on: o.fencing },
      { do: 'setPromotionPolicy', policy: o.policy },
      { do: 'setSessionStore', store: o.store },
      { do: 'setRywStrategy', strategy: o.strategy },
      { do: 'setReadPolicy', policy: o.readPolicy },
      ...(o.mode ? [o.mode] : []),
    ]);
}

/** One random schedule, as a scenario (steps in time order). */
export function scheduleArb(): fc.Arbitrary<Scenario> {
  // One schedule in four is RDS Multi-AZ (a hidden synchronous standby is what fails over).
  const shape = fc
    .record({ replicas: fc.integer({ min: 1, max: 3 }), standby: fc.integer({ min: 0, max: 3 }) })
    .map((s) => ({ replicas: s.replicas, standby: s.standby === 0 }));
  return shape.chain((s) =>
    fc
      .record({
        seed: fc.integer({ min: 1, max: 1_000_000 }),
        lagMs: fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: s.replicas, maxLength: s.replicas }),
        jitterMs: fc.integer({ min: 0, max: 40 }),
        restartMs: fc.integer({ min: 200, max: 1500 }),
        intervalMs: fc.integer({ min: 300, max: 800 }),
        retries: fc.integer({ min: 1, max: 3 }),
        phaseMs: fc.integer({ min: 0, max: 600 }),
        opening: openingArb(s),
        steps: fc.array(fc.tuple(fc.integer({ min: 0, max: SCHEDULE_MS }), actionArb(s)), {
          minLength: 4,
          maxLength: 40,
        }),
      })
      .map((r): Scenario => {
        const timed = [...r.steps].sort((a, b) => a[0] - b[0]).map(([at, step]) => ({ at, ...step }) as Step);
        return {
          version: 1,
          name: 'fuzz schedule',
          seed: r.seed,
          settings: {
            replicas: s.replicas,
            standby: s.standby,
            lagMs: r.lagMs,
            jitterMs: r.jitterMs,
            restartMs: r.restartMs,
            healthCheck: { intervalMs: r.intervalMs, timeoutMs: 200, retries: r.retries },
            failoverTimings: { electMs: r.phaseMs, promoteMs: r.phaseMs, repointMs: r.phaseMs, endpointMs: r.phaseMs },
          },
          steps: [...r.opening.map((a) => ({ at: 0, ...a }) as Step), ...timed],
        };
      }),
  );
}
