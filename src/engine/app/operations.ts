/**
 * What clients do through the app tier, as clock events: place an order, read "my orders",
 * browse products, run the analytics query. Owns operation numbering and the reads
 * waiting for a replica to replay a session's last write (lsn-wait); routing decisions
 * come from routing.ts, everything else from the cluster facade through `OperationsHost`.
 * Journaling stays in the facade: these methods are what a journaled command runs.
 */

import type { NodeStatus } from '../cluster/clusterMachine.ts';
import { type ClusterSettings, CURRENT_PRIMARY, PRIMARY } from '../cluster/settings.ts';
import { sqlLiteral } from '../db/applySql.ts';
import { type CapturedTxn, type NodeHandle, type QueryResult, SqlError, type SqlValue } from '../db/types.ts';
import type { FailoverOrchestrator, NodePosition } from '../failover/orchestrator.ts';
import type { CommitAcks } from '../replication/commitAcks.ts';
import type { LogEntry } from '../replication/primaryLog.ts';
import type { ReplicaStream } from '../replication/replicaStream.ts';
import type { VirtualClock } from '../sim/clock.ts';
import { Later, later, runCommand } from '../sim/commandEvent.ts';
import type { History } from '../sim/history.ts';
import type { SeededRandom } from '../sim/random.ts';
import type { AppServer, AppTier, DataKind } from './appTier.ts';
import { DEFAULT_RYW, decideRead, type ReadDecision } from './routing.ts';

/** Virtual wall-clock origin: the seed's story starts on 2025-11-17 at 10:00:00.000 UTC. */
export const EPOCH_MS = Date.UTC(2025, 10, 17, 10, 0, 0);

/** What a client sees when the server is down: libpq's connection error. */
export const CONNECTION_REFUSED = 'could not connect to server: Connection refused';

/** What a client sees while a restarted node is still in crash recovery (SQLSTATE 57P03). */
export const NOT_YET_ACCEPTING = {
  message: 'the database system is not yet accepting connections',
  code: '57P03',
  severity: 'FATAL',
  detail: 'Consistent recovery state has not been yet reached.',
} as const;

/** Why a client cannot reach `status`'s node, as its driver reports it: [message, SQLSTATE]. */
export function unreachable(status: NodeStatus): [string, string | undefined] {
  return status === 'recovering'
    ? [NOT_YET_ACCEPTING.message, NOT_YET_ACCEPTING.code]
    : [CONNECTION_REFUSED, undefined];
}

/** Shown with an order when the optimistic-UI strategy is on (the seed's solution 3). */
export const OPTIMISTIC_MESSAGE = 'Order placed! It may take a few seconds to appear in your order history.';

export interface WriteOutcome {
  op: number;
  ok: boolean;
  node: string;
  /** The app server that sent it (absent when sent straight to a node). */
  via?: string;
  orderId?: number;
  lsn?: number;
  /** With the optimistic-UI strategy: the honest message shown to the customer. */
  message?: string;
  error?: string;
  code?: string;
}

export interface ReadOutcome {
  op: number;
  ok: boolean;
  /** The node that served it (the fallback, when an lsn-wait read gave up on its replica). */
  node: string;
  /** The app server that routed it (absent when sent straight to a node). */
  via?: string;
  /** Where routing sent it, and why, in plain words. */
  routedTo: string;
  reason: string;
  /** Engine ms spent waiting for a replica to replay the session's last write (lsn-wait). */
  waitedMs?: number;
  orderIds: number[];
  replayLsn?: number;
  error?: string;
  code?: string;
}

/** What the client operations may use of the cluster. */
export interface OperationsHost {
  readonly clock: VirtualClock;
  readonly history: History;
  readonly settings: ClusterSettings;
  readonly random: SeededRandom;
  readonly app: AppTier;
  readonly acks: CommitAcks;
  readonly streams: ReadonlyMap<string, ReplicaStream>;
  readonly failover: Pick<FailoverOrchestrator, 'leader' | 'endpoint' | 'noteSplitBrain' | 'noteAcked'>;
  resolve(node: string): string;
  primaryName(): string;
  readReplicaNames(): string[];
  statusOf(node: string): NodeStatus;
  db(node: string): NodeHandle;
  /** Records committed transactions in the log and ships them; returns the new entries. */
  commit(txns: CapturedTxn[], endLsn: number, node: string): LogEntry[];
  commitCaptured(err: SqlError, node: string): void;
  countOp(node: string): void;
  behindMsOf(node: string): number;
  replayLsnOf(node: string): number;
  /** What `node` holds: its own timeline, entry and LSN (an old primary's are not the new primary's). */
  positionOf(node: string): NodePosition;
}

/** Who places which order, and where it goes (a node directly, an app server, or the load balancer). */
export interface PlaceOrderArgs {
  user: number;
  total: number;
  node?: string;
  via?: string;
  /** Who sent it: "user-1001" by default, "load" for the load generator. */
  client?: string;
}

/** A category of products to browse (Electronics by default), and where the read goes. */
export interface BrowseArgs {
  user: number;
  category?: string;
  node?: string;
  via?: string;
  client?: string;
}

/** Whose orders to read, and where the read goes. */
export interface ReadOrdersArgs {
  user: number;
  node?: string;
  via?: string;
  client?: string;
}

export class ClientOperations {
  private nextOp = 0;
  private readonly replayWaiters = new Set<{ node: string; lsn: number; done: (ok: boolean) => void }>();

  constructor(private readonly host: OperationsHost) {}

  /**
   * Places an order as `user` (the seed's createOrder: one INSERT into orders). Sent to
   * `node` directly when given (as a client that reaches that node would), otherwise
   * through an app server (`via`, or the load balancer's pick) to the current primary.
   */
  placeOrder(args: PlaceOrderArgs): Promise<WriteOutcome> {
    const host = this.host;
    return runCommand<WriteOutcome>(host.clock, 'placeOrder', async () => {
      const server = args.node ? undefined : host.app.server(args.via);
      const node = host.resolve(args.node ?? host.failover.endpoint);
      const op = ++this.nextOp;
      const via = server ? { via: server.name } : {};
      host.history.record({
        type: 'write.invoke',
        op,
        client: args.client ?? `user-${args.user}`,
        user: args.user,
        node,
        action: 'placeOrder',
        total: args.total,
        ...(server ? { via: server.name } : {}),
      });
      const order = placeOrderRow(args.user, args.total, EPOCH_MS + host.clock.now());
      const fail = (error: string, code?: string) =>
        later<WriteOutcome>(host.clock, host.settings.commitMs, () => {
          host.history.record({ type: 'write.fail', op, node, error, code });
          return { op, ok: false, node, ...via, error, code };
        });
      if (host.statusOf(node) !== 'up') return fail(...unreachable(host.statusOf(node)));
      try {
        const result = await host.db(node).insert('orders', [order]);
        const [entry] = host.commit(result.txns, result.endLsn, node);
        host.countOp(node);
        const orderId = Number(result.results[0]?.rows[0]?.order_id);
        const lsn = entry?.lsn ?? result.endLsn;
        const acknowledge = (): WriteOutcome => {
          host.history.record({
            type: 'write.ok',
            op,
            node,
            lsn,
            xid: entry?.xid ?? 0,
            entry: entry?.index ?? 0,
            timeline: entry?.timeline ?? 0,
            orderIds: entry?.orderIds ?? [],
          });
          if (server) host.app.noteWrite(server, args.user, host.clock.now(), lsn);
          if (node !== host.failover.leader) host.failover.noteSplitBrain(node);
          else if (entry) host.failover.noteAcked(entry.index);
          const optimistic = host.app.strategies.orders.name === 'optimistic';
          return { op, ok: true, node, ...via, orderId, lsn, ...(optimistic ? { message: OPTIMISTIC_MESSAGE } : {}) };
        };
        // The local commit takes commitMs; then the mode decides how long the client waits.
        return new Later(
          new Promise<WriteOutcome>((resolve) => {
            host.clock.schedule(host.settings.commitMs, () => {
              if (host.statusOf(node) !== 'up') {
                // The server died before the commit returned: the client sees an error.
                const error = 'server closed the connection unexpectedly';
                host.history.record({ type: 'write.fail', op, node, error });
                resolve({ op, ok: false, node, ...via, error });
              } else if (!entry) resolve(acknowledge());
              else {
                const commit = { op, entry: entry.index, kind: 'orders' as const, orderIds: entry.orderIds };
                const abort = (reason: string) => {
                  host.history.record({ type: 'write.fail', op, node, error: reason });
                  resolve({ op, ok: false, node, ...via, error: reason });
                };
                // An old primary the replicas no longer follow waits for standbys it no longer has.
                if (node !== host.failover.leader)
                  host.acks.waitIsolated(node, commit, () => resolve(acknowledge()), abort);
                else host.acks.waitFor(commit, () => resolve(acknowledge()), abort);
              }
            });
          }),
        );
      } catch (err) {
        if (!(err instanceof SqlError)) throw err;
        host.commitCaptured(err, node);
        return fail(err.message, err.info.code);
      }
    });
  }

  /** "My orders": a user's order ids, from `node`, or as the app tier routes the read. */
  readOrders(args: ReadOrdersArgs): Promise<ReadOutcome> {
    return this.read('readOrders', 'orders', args, (node) => {
      // While a synchronous commit waits for its standby, other sessions on the primary do
      // not see its row (PostgreSQL keeps the transaction in progress until then).
      const hidden = node === this.host.primaryName() ? this.host.acks.waitingOrderIds() : [];
      const filter = hidden.length ? ` AND order_id <> ALL('{${hidden.map(int).join(',')}}'::int[])` : '';
      return this.readQuery(
        node,
        `SELECT order_id FROM orders WHERE user_id = ${int(args.user)}${filter} ORDER BY order_id`,
      ).then((r) => r.rows.map((row) => Number(row.order_id)));
    });
  }

  /** Browses a category of products (reads that tolerate staleness: the seed's async data). */
  browse(args: BrowseArgs): Promise<ReadOutcome> {
    const category = args.category ?? 'Electronics';
    return this.read('browse', 'products', args, async (node) => {
      await this.readQuery(
        node,
        `SELECT product_id, name, price FROM products WHERE category = ${sqlLiteral(category)} ORDER BY product_id`,
      );
      return [];
    });
  }

  /**
   * The seed's getTopSellingProducts on its dedicated analytics replica (the last replica):
   * a heavy query that keeps that replica busy, so its replay falls behind.
   */
  analyticsQuery(args: { user?: number; client?: string }): Promise<ReadOutcome> {
    const node = this.host.readReplicaNames().at(-1) ?? PRIMARY;
    const reason = `the seed sends heavy analytics to its dedicated replica, ${node}`;
    return this.read(
      'analyticsQuery',
      'analytics',
      { user: args.user ?? 0, client: args.client, node, reason },
      async (n) => {
        const query = this.readQuery(
          n,
          `SELECT p.product_id, p.name, sum(oi.quantity) AS total_sold
           FROM products p JOIN order_items oi ON p.product_id = oi.product_id
          GROUP BY p.product_id ORDER BY total_sold DESC LIMIT 100`,
        );
        // Busy from the moment the query starts (and in the sending event, not when its answer arrives).
        this.host.streams.get(n)?.occupy(this.host.settings.analyticsCostMs);
        await query;
        return [];
      },
    );
  }

  /**
   * One read: routed (unless `node` is given), possibly waiting for a replica to replay the
   * session's last write (lsn-wait), run, and recorded with the node that served it.
   */
  private read(
    action: string,
    kind: DataKind | 'analytics',
    args: { user: number; node?: string; via?: string; client?: string; reason?: string },
    run: (node: string) => Promise<number[]>,
  ): Promise<ReadOutcome> {
    const host = this.host;
    return runCommand<ReadOutcome>(host.clock, action, async () => {
      const server = args.node ? undefined : host.app.server(args.via);
      const decision: ReadDecision = server
        ? this.route(server, args.user, kind)
        : { node: host.resolve(args.node ?? CURRENT_PRIMARY), reason: args.reason ?? 'sent straight to this node' };
      const op = ++this.nextOp;
      const startedAt = host.clock.now();
      host.history.record({
        type: 'read.invoke',
        op,
        client: args.client ?? `user-${args.user}`,
        user: args.user,
        node: decision.node,
        action,
        reason: decision.reason,
        ...(server ? { via: server.name } : {}),
      });
      const routed = { ...(server ? { via: server.name } : {}), routedTo: decision.node, reason: decision.reason };
      const finish = (node: string) => this.finishRead(op, node, startedAt, routed, run);
      if (decision.waitForLsn === undefined) return finish(decision.node);
      // Waiting happens in engine time: the read resumes as a new event once the replica has
      // replayed the session's last write, or falls back to the primary at the timeout.
      const { node, waitForLsn, timeoutMs, fallback } = decision;
      return new Later(
        new Promise<ReadOutcome>((resolve, reject) => {
          this.whenReplayed(node, waitForLsn, timeoutMs, (caughtUp) =>
            host.clock.schedule(0, async () => {
              try {
                (await finish(caughtUp ? node : fallback)).promise.then(resolve, reject);
              } catch (err) {
                reject(err);
              }
            }),
          );
        }),
      );
    });
  }

  /**
   * Runs a routed read on `node` and records its result `readMs` later. The query is sent to
   * the node now and sees the node as it is now (each node serves requests one at a time,
   * in the order they were sent); the clock waits for its answer only in the later event,
   * when the client receives it, so meanwhile other events run and the nodes work in
   * parallel. `run` must send its query before it first awaits, and change nothing in the
   * engine after that.
   */
  private async finishRead(
    op: number,
    node: string,
    startedAt: number,
    routed: Pick<ReadOutcome, 'via' | 'routedTo' | 'reason'>,
    run: (node: string) => Promise<number[]>,
  ): Promise<Later<ReadOutcome>> {
    const host = this.host;
    const failed = (error: string, code?: string): ReadOutcome => {
      host.history.record({ type: 'read.fail', op, node, error, code });
      return { op, ok: false, node, ...routed, orderIds: [], error, code };
    };
    if (host.statusOf(node) !== 'up') {
      const [error, code] = unreachable(host.statusOf(node));
      return later(host.clock, host.settings.readMs, () => failed(error, code));
    }
    const { timeline, entry, lsn: replayLsn } = host.positionOf(node);
    const lagMs = host.behindMsOf(node);
    const waitedMs = host.clock.now() - startedAt;
    const answer = run(node);
    host.countOp(node);
    // Read in the later event (an unread rejection is not unhandled meanwhile).
    answer.catch(() => undefined);
    return later<ReadOutcome>(host.clock, host.settings.readMs, async () => {
      try {
        const orderIds = await answer;
        host.history.record({ type: 'read.ok', op, node, orderIds, replayLsn, timeline, entry, lagMs, waitedMs });
        return { op, ok: true, node, ...routed, orderIds, replayLsn, waitedMs };
      } catch (err) {
        if (!(err instanceof SqlError)) throw err;
        return failed(err.message, err.info.code);
      }
    });
  }

  /** Routing of one read by an app server: read-your-writes rule first, then the read policy. */
  private route(server: AppServer, user: number, kind: DataKind | 'analytics'): ReadDecision {
    const host = this.host;
    const strategy = kind === 'analytics' ? DEFAULT_RYW : host.app.strategies[kind];
    const decision = decideRead({
      user,
      nowMs: host.clock.now(),
      primary: host.primaryName(),
      replicas: host.readReplicaNames().map((name) => ({
        name,
        available: host.statusOf(name) === 'up',
        behindMs: host.behindMsOf(name),
        replayLsn: host.replayLsnOf(name),
      })),
      policy: host.app.policy,
      strategy,
      session: host.app.session(server, user),
      rrIndex: server.rrIndex,
      random: host.app.policy === 'random' ? host.random.next() : 0,
    });
    if (decision.advance) server.rrIndex++;
    return decision;
  }

  /**
   * Calls `then(true)` once `node` has replayed `lsn` (as a client polling
   * pg_last_wal_replay_lsn() would see), or `then(false)` after `timeoutMs` without it.
   * `then` runs inside the event that decided it; it must not wait on the clock.
   */
  private whenReplayed(node: string, lsn: number, timeoutMs: number, then: (caughtUp: boolean) => void): void {
    if (this.host.replayLsnOf(node) >= lsn) {
      then(true);
      return;
    }
    let timer: number | undefined;
    const waiter = {
      node,
      lsn,
      done: (ok: boolean) => {
        this.replayWaiters.delete(waiter);
        if (timer !== undefined) this.host.clock.cancel(timer);
        then(ok);
      },
    };
    if (Number.isFinite(timeoutMs)) timer = this.host.clock.schedule(timeoutMs, () => waiter.done(false));
    this.replayWaiters.add(waiter);
  }

  /** `node` replayed up to `lsn`: resumes the reads waiting for it. */
  wakeReplayWaiters(node: string, lsn: number): void {
    for (const w of this.replayWaiters) if (w.node === node && lsn >= w.lsn) w.done(true);
  }

  /** Sends what `node` has replayed but not written, then the query: both now, in this order. */
  private readQuery(node: string, sql: string): Promise<QueryResult> {
    const written = this.host.streams.get(node)?.writeReplayed();
    const result = this.host.db(node).read(sql);
    if (!written) return result;
    result.catch(() => undefined);
    return written.then(() => result);
  }
}

function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`expected an integer, got ${n}`);
  return String(n);
}

/** The seed's createOrder: `INSERT INTO orders (user_id, total_amount, status) ... RETURNING order_id`. */
export function placeOrderRow(user: number, total: number, createdAtMs: number): Record<string, SqlValue> {
  if (!Number.isSafeInteger(user)) throw new Error(`expected a whole number for user, got ${user}`);
  if (!Number.isFinite(total)) throw new Error(`expected a number for total, got ${total}`);
  return { user_id: user, total_amount: total, status: 'PENDING', created_at: new Date(createdAtMs).toISOString() };
}
