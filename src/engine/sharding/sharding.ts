/**
 * The router in the app tier of a sharded cluster: it boots the shards (real PGlite
 * primaries, through the cluster's NodeFactory), sends each user's orders and "my
 * orders" reads to that user's shard, scatters cross-shard queries and merges them, answers
 * the key probe, and hands resharding to reshard.ts. Until `setSharding` runs it does
 * nothing and records nothing, so an unsharded run is exactly what it was before.
 * Everything runs as clock events; randomness is not drawn here.
 */
import type { PlaceOrderArgs, ReadOrdersArgs, ReadOutcome, WriteOutcome } from '../app/operations.ts';
import { CONNECTION_REFUSED, EPOCH_MS, placeOrderRow } from '../app/operations.ts';
import { type ClusterSettings, FIRST_USER } from '../cluster/settings.ts';
import type { CommandOf } from '../commands/schema.ts';
import { type NodeHandle, type RowChange, SqlError } from '../db/types.ts';
import type { VirtualClock } from '../sim/clock.ts';
import { Later, runCommand } from '../sim/commandEvent.ts';
import type { History } from '../sim/history.ts';
import { probeKey } from './probe.ts';
import { Mover } from './reshard.ts';
import { ShardSet } from './shardSet.ts';
import {
  CAPTURE_OFF,
  globalIdsSql,
  MAX_ID_BLOCKS,
  placeOrderSql,
  readOrdersSql,
  SEQUENCES_ABOVE_MAX_SQL,
  scatterSql,
  seedCreateOrderSql,
  snapshotRowsSql,
} from './shardSql.ts';
import {
  initialPlacement,
  type Placement,
  placementSnapshot,
  routeOf,
  shardOf,
  userCounts,
  userIds,
} from './strategies.ts';
import { skewOf } from './theory.ts';
import type {
  IdMode,
  PlacementSnapshot,
  ProbeOutcome,
  ScatterOutcome,
  ScatterQueryName,
  ShardingSnapshot,
} from './types.ts';

export interface ShardingHost {
  readonly clock: VirtualClock;
  readonly history: History;
  readonly settings: ClusterSettings;
  /** Boots a new shard's database (a primary, with the shop's customers). */
  bootNode(name: string): Promise<NodeHandle>;
  /** The unsharded primary's database: its orders are distributed when sharding is set. */
  catalogue(): NodeHandle;
}

/** Engine ms a shard needs per row a scatter query scans (on top of settings.readMs). */
export const SCAN_MS_PER_ROW = 0.02;
const PROBES_KEPT = 20;

type Row = Record<string, unknown>;

export class Sharding {
  readonly shards: ShardSet;
  /** Where writes go, and where reads go (they differ between a move's switch-reads and switch-writes). */
  placement: Placement | undefined;
  readPlacement: Placement | undefined;
  ids: IdMode = 'serial';
  readonly mover: Mover;
  private nextOp = 0;
  private readonly probes: ProbeOutcome[] = [];
  private lastScatter: ScatterOutcome | null = null;
  private config: { vnodes?: number; logicalShards?: number } = {};

  constructor(readonly host: ShardingHost) {
    this.shards = new ShardSet(host.clock);
    this.mover = new Mover(this);
  }

  get active(): boolean {
    return this.placement !== undefined;
  }

  private need(): Placement {
    if (!this.placement) throw new Error('the cluster is not sharded: send setSharding first');
    return this.placement;
  }

  /** Boots shard number `number` (a fresh PGlite) with its id block for global ids. */
  async bootShard(state: 'serving' | 'new'): Promise<string> {
    const { name, number } = this.shards.nextName();
    if (number + 1 > MAX_ID_BLOCKS) throw new Error(`at most ${MAX_ID_BLOCKS} shards can be created in one run`);
    const db = await this.host.bootNode(name);
    await db.exec(this.ids === 'global' ? globalIdsSql(number + 1) : CAPTURE_OFF);
    this.shards.add(name, db, number + 1, state);
    return name;
  }

  /** setSharding: boots the shards and distributes the orders the primary holds. */
  async configure(c: CommandOf<'setSharding'>): Promise<void> {
    if (this.active) throw new Error('the cluster is already sharded (add or remove shards to reshard it)');
    this.ids = c.ids ?? 'serial';
    this.config = { vnodes: c.vnodes, logicalShards: c.logicalShards };
    const names: string[] = [];
    for (let i = 0; i < c.shards; i++) names.push(await this.bootShard('serving'));
    const placement = initialPlacement(c.strategy, names, { ...this.config, users: this.host.settings.users });
    const existing = (await this.host.catalogue().query(snapshotRowsSql(userIds(this.host.settings.users))))
      .rows[0] as { orders: string; items: string };
    const orders = JSON.parse(existing.orders) as Row[];
    const items = JSON.parse(existing.items) as Row[];
    for (const name of names) {
      const mine = orders.filter((o) => shardOf(placement, Number(o.user_id)) === name);
      const ids = new Set(mine.map((o) => o.order_id));
      const changes = [
        ...ShardSet.inserts('orders', 'order_id', mine),
        ...ShardSet.inserts(
          'order_items',
          'order_item_id',
          items.filter((i) => ids.has(i.order_id)),
        ),
      ];
      await this.shards.db(name).apply([{ xid: 0, lsn: 0, changes }]);
      if (this.ids === 'serial') await this.shards.db(name).exec(SEQUENCES_ABOVE_MAX_SQL);
      this.shards.noteRows(name, changes, +1);
    }
    this.placement = placement;
    this.readPlacement = placement;
    this.host.history.record({
      type: 'shard.config',
      strategy: c.strategy,
      shards: names,
      ids: this.ids,
      ...(c.vnodes !== undefined ? { vnodes: c.vnodes } : {}),
      ...(c.logicalShards !== undefined ? { logicalShards: c.logicalShards } : {}),
      copiedRows: orders.length,
    });
    await this.showSeedCreateOrder(names[0]);
  }

  /**
   * The document's sharded createOrder runs `INSERT ...` without RETURNING and returns
   * `result.rows[0].order_id`: run it for real on a shard (rolled back) and record what the
   * driver hands back.
   */
  private async showSeedCreateOrder(shard: string): Promise<void> {
    const row = placeOrderRow(FIRST_USER, 1, EPOCH_MS + this.host.clock.now());
    const db = this.shards.db(shard);
    // A rolled-back INSERT still uses up a sequence value (nextval is never rolled back): put it back,
    // so this demonstration does not shift the shard's order ids.
    const [seq] = (await db.query('SELECT last_value, is_called FROM orders_order_id_seq')).rows;
    await db.exec(`BEGIN READ WRITE; ${CAPTURE_OFF}`);
    let rows: Row[] = [];
    try {
      rows = (await db.query(seedCreateOrderSql(row))).rows;
    } finally {
      await db.exec('ROLLBACK');
      await db.query('SELECT setval($1, $2, $3)', ['orders_order_id_seq', seq.last_value, seq.is_called]);
    }
    const first = rows[0] as Row | undefined;
    this.host.history.record({
      type: 'shard.note',
      text:
        `the document's createOrder (INSERT without RETURNING) got ${rows.length} rows back: rows[0] is ${first === undefined ? 'undefined' : 'a row'}, ` +
        `so rows[0].order_id throws "TypeError: Cannot read properties of undefined (reading 'order_id')"; the lab adds RETURNING order_id`,
    });
  }

  /** Places an order on the user's shard (waiting while a move switches that user's writes). */
  placeOrder(args: PlaceOrderArgs): Promise<WriteOutcome> {
    const { clock, history } = this.host;
    return runCommand<WriteOutcome>(clock, 'placeOrder', async () => {
      const op = ++this.nextOp;
      const invokedAt = clock.now();
      const client = args.client ?? `user-${args.user}`;
      const paused = this.mover.pausedFor(args.user);
      if (paused) {
        history.record({ type: 'shard.write', op, client, user: args.user, shard: shardOf(this.need(), args.user) });
        return new Later(paused.then(() => runCommand(clock, 'placeOrder', () => this.write(op, args, invokedAt))));
      }
      history.record({ type: 'shard.write', op, client, user: args.user, shard: shardOf(this.need(), args.user) });
      return this.write(op, args, invokedAt);
    });
  }

  private async write(
    op: number,
    args: PlaceOrderArgs,
    invokedAt: number,
  ): Promise<WriteOutcome | Later<WriteOutcome>> {
    const { clock, history, settings } = this.host;
    const shard = shardOf(this.need(), args.user);
    const order = placeOrderRow(args.user, args.total, EPOCH_MS + clock.now());
    // Which product: a pure function of the amount, so no randomness is drawn.
    const product = 1 + (Math.round(args.total * 100) % 16);
    const pausedMs = clock.now() - invokedAt;
    const finish = (outcome: () => WriteOutcome) =>
      new Later(new Promise<WriteOutcome>((resolve) => clock.schedule(settings.commitMs, () => resolve(outcome()))));
    if (this.shards.isDown(shard)) {
      // The router cannot connect: libpq's error, at once, and no other shard is asked.
      history.record({ type: 'shard.write.fail', op, shard, error: CONNECTION_REFUSED });
      return { op, ok: false, node: shard, error: CONNECTION_REFUSED };
    }
    try {
      const result = (await this.shards.db(shard).exec(placeOrderSql(order, product))).at(-1) as { rows: Row[] };
      const r = result.rows[0] as { o_row: string; i_rows: string };
      const orderRow = JSON.parse(r.o_row) as Row;
      const changes: RowChange[] = [
        ...ShardSet.inserts('orders', 'order_id', [orderRow]),
        ...ShardSet.inserts('order_items', 'order_item_id', JSON.parse(r.i_rows) as Row[]),
      ];
      const entry = this.shards.logWrite(shard, args.user, changes);
      this.shards.countOp(shard);
      await this.mover.forward(shard, entry);
      const orderId = Number(orderRow.order_id);
      return finish(() => {
        history.record({
          type: 'shard.write.ok',
          op,
          shard,
          user: args.user,
          orderId,
          ...(pausedMs > 0 ? { pausedMs } : {}),
        });
        return { op, ok: true, node: shard, orderId };
      });
    } catch (err) {
      if (!(err instanceof SqlError)) throw err;
      return finish(() => {
        history.record({ type: 'shard.write.fail', op, shard, error: err.message, code: err.info.code });
        return { op, ok: false, node: shard, error: err.message, code: err.info.code };
      });
    }
  }

  /** "My orders" from the user's shard (as reads are routed now). */
  readOrders(args: ReadOrdersArgs): Promise<ReadOutcome> {
    const { clock, history, settings } = this.host;
    return runCommand<ReadOutcome>(clock, 'readOrders', async () => {
      const op = ++this.nextOp;
      const placement = this.readPlacement ?? this.need();
      const { shard, route } = routeOf(placement, args.user);
      const client = args.client ?? `user-${args.user}`;
      if (this.shards.isDown(shard)) {
        history.record({ type: 'shard.read.fail', op, client, user: args.user, shard, error: CONNECTION_REFUSED });
        return { op, ok: false, node: shard, routedTo: shard, reason: route, orderIds: [], error: CONNECTION_REFUSED };
      }
      const [result] = await this.shards.db(shard).exec(readOrdersSql(args.user));
      this.shards.countOp(shard);
      const orderIds = result.rows.map((r) => Number(r.order_id));
      return new Later(
        new Promise<ReadOutcome>((resolve) =>
          clock.schedule(settings.readMs, () => {
            history.record({
              type: 'shard.read',
              op,
              client,
              user: args.user,
              shard,
              orderIds,
            });
            resolve({ op, ok: true, node: shard, routedTo: shard, reason: route, orderIds });
          }),
        ),
      );
    });
  }

  /**
   * Stops a shard's database, as a crashed server: its rows stay (restartShard brings them
   * back), its users' orders and reads fail at once with libpq's connection error, every
   * scatter query fails, and the other shards go on: the blast radius is that shard's users.
   */
  kill(shard: string): void {
    this.need();
    if (!this.shards.live().includes(shard)) throw new Error(`there is no live shard "${shard}"`);
    if (this.shards.isDown(shard)) throw new Error(`${shard} is already down`);
    this.shards.setDown(shard, true);
    this.host.history.record({ type: 'shard.down', shard });
  }

  /** Starts a killed shard again, with the rows it had. */
  restart(shard: string): void {
    this.need();
    if (!this.shards.isDown(shard)) throw new Error(`${shard} is not down`);
    this.shards.setDown(shard, false);
    this.host.history.record({ type: 'shard.up', shard });
  }

  /** Where a user, a region or a category lives, and why. */
  probe(c: CommandOf<'probe'>): ProbeOutcome {
    const placement = this.need();
    const outcome = probeKey(placement, this.readPlacement ?? placement, c, this.host.settings.users);
    this.probes.push(outcome);
    if (this.probes.length > PROBES_KEPT) this.probes.shift();
    this.host.history.record({ type: 'shard.probe', key: outcome.key, shard: outcome.shard, route: outcome.route });
    return outcome;
  }

  /**
   * Asks every serving shard (each for the users it serves reads for, so a row a move has
   * copied is counted once) and merges: the answer comes when the slowest shard's does.
   */
  async scatter(query: ScatterQueryName): Promise<ScatterOutcome | Later<ScatterOutcome>> {
    const { clock, history, settings } = this.host;
    const reads = this.readPlacement ?? this.need();
    const owners = new Map<string, number[]>(reads.shards.map((s) => [s, []]));
    for (const u of userIds(settings.users)) owners.get(shardOf(reads, u))?.push(u);
    const downShards = [...owners.keys()].filter((s) => this.shards.isDown(s));
    if (downShards.length > 0) {
      // No partial answer: a best-sellers list missing a shard's orders would be wrong, not slow.
      const error = `${downShards.join(', ')}: ${CONNECTION_REFUSED}`;
      const failed: ScatterOutcome = { query, latencyMs: 0, perShard: [], rows: [], error, downShards };
      this.lastScatter = failed;
      history.record({ type: 'shard.scatter.fail', query, downShards, error });
      return failed;
    }
    const perShard: ScatterOutcome['perShard'] = [];
    const parts: Row[][] = [];
    for (const [shard, users] of owners) {
      const [result] = await this.shards.db(shard).exec(scatterSql(query, users));
      this.shards.countOp(shard);
      const scanned = this.shards.rows(shard);
      const latencyMs = Number((settings.readMs + scanned * SCAN_MS_PER_ROW).toFixed(2));
      perShard.push({ shard, latencyMs, rows: result.rows.length });
      parts.push(result.rows);
    }
    const rows = mergeScatter(query, parts);
    const latencyMs = Math.max(...perShard.map((p) => p.latencyMs));
    const outcome: ScatterOutcome = { query, latencyMs, perShard, rows };
    return new Later(
      new Promise<ScatterOutcome>((resolve) =>
        clock.schedule(latencyMs, () => {
          this.lastScatter = outcome;
          history.record({
            type: 'shard.scatter',
            query,
            latencyMs,
            shards: perShard.map((p) => p.shard),
            rows: rows.length,
          });
          resolve(outcome);
        }),
      ),
    );
  }

  /** Placements never change once made: their users per shard and their drawing are computed once. */
  private view: { of: Placement; owned: Record<string, number>; drawn: PlacementSnapshot } | undefined;

  private placementView(p: Placement): { owned: Record<string, number>; drawn: PlacementSnapshot } {
    if (this.view?.of !== p)
      this.view = { of: p, owned: userCounts(p, this.host.settings.users), drawn: placementSnapshot(p) };
    return this.view;
  }

  snapshot(): ShardingSnapshot | undefined {
    const placement = this.placement;
    if (!placement) return undefined;
    const { settings } = this.host;
    const { owned, drawn } = this.placementView(placement);
    const rowsPerShard = Object.fromEntries(placement.shards.map((s) => [s, this.shards.rows(s)]));
    const moves = this.mover.moves();
    return {
      strategy: placement.strategy,
      ids: this.ids,
      ...(placement.strategy === 'ring' ? { vnodes: placement.vnodes } : {}),
      ...(placement.strategy === 'hash-ranges' ? { logicalShards: placement.logical.length } : {}),
      shards: this.shards.names().map((n) => this.shards.snapshotOf(n, owned[n] ?? 0, settings.capacityOpsPerSec)),
      placement: drawn,
      rowsPerShard,
      skew: Number(skewOf(Object.values(rowsPerShard)).toFixed(3)),
      move: this.mover.current(),
      moves,
      probes: this.probes.map((p) => ({ ...p })),
      lastScatter: this.lastScatter,
      duplicateIds: this.shards.duplicateIds(),
      writePauseMs: moves.reduce((a, m) => a + m.writePauseMs, 0),
    };
  }

  close(): Promise<void> {
    return this.shards.close();
  }
}

/** The router's gather step: sums of counts, top products re-ranked over every shard's partial sums. */
export function mergeScatter(query: ScatterQueryName, parts: Row[][]): Row[] {
  if (query === 'order-count') return [{ orders: parts.flat().reduce((a, r) => a + Number(r.orders), 0) }];
  const totals = new Map<number, { product_id: number; name: string; total_sold: number }>();
  for (const r of parts.flat()) {
    const id = Number(r.product_id);
    const t = totals.get(id) ?? { product_id: id, name: String(r.name), total_sold: 0 };
    t.total_sold += Number(r.total_sold);
    totals.set(id, t);
  }
  return [...totals.values()].sort((a, b) => b.total_sold - a.total_sold || a.product_id - b.product_id).slice(0, 100);
}
