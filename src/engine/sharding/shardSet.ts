/**
 * The shards themselves: one real PGlite primary each (booted by the cluster's
 * NodeFactory), their life (new, serving, leaving, removed), each shard's change log (the
 * rows its writes captured, in order: what a move catches up from) and the counts a
 * snapshot shows without asking a database (rows, order ids, operations in the last
 * second). The router and the mover (sharding.ts, reshard.ts) change it; it decides nothing.
 */
import type { NodeHandle, RowChange } from '../db/types.ts';
import type { VirtualClock } from '../sim/clock.ts';
import type { ShardSnapshot } from './types.ts';

/** One write's captured rows on one shard, in commit order. */
export interface ChangeEntry {
  seq: number;
  user: number;
  changes: RowChange[];
}

export type ShardState = ShardSnapshot['state'];

interface Shard {
  name: string;
  state: ShardState;
  db: NodeHandle;
  /** Global ids: the block of ids this shard's sequences allocate from. */
  idBlock: number;
  log: ChangeEntry[];
  writes: number;
  /** Engine times of the operations in the last second. */
  recentOps: number[];
}

type Row = Record<string, unknown>;

export class ShardSet {
  private readonly shards = new Map<string, Shard>();
  private created = 0;
  /** Per order id, the shards holding a row with it (ids collide across shards with per-shard serials). */
  private readonly idHolders = new Map<number, Map<string, number>>();
  private readonly rowCounts = new Map<string, number>();
  /** Order ids held by more than one shard now (kept as rows come and go, so a snapshot need not scan). */
  private readonly shared = new Set<number>();
  /** Shards killed and not restarted. */
  private readonly down = new Set<string>();

  constructor(private readonly clock: VirtualClock) {}

  /** The next shard's name and its number (names are never reused). */
  nextName(): { name: string; number: number } {
    return { name: `shard-${this.created}`, number: this.created };
  }

  add(name: string, db: NodeHandle, idBlock: number, state: ShardState): void {
    this.created++;
    this.shards.set(name, { name, state, db, idBlock, log: [], writes: 0, recentOps: [] });
    this.rowCounts.set(name, 0);
  }

  has(name: string): boolean {
    return this.shards.has(name);
  }

  get(name: string): Shard {
    const s = this.shards.get(name);
    if (!s) throw new Error(`no shard named "${name}" (shards: ${this.names().join(', ')})`);
    return s;
  }

  db(name: string): NodeHandle {
    return this.get(name).db;
  }

  names(): string[] {
    return [...this.shards.keys()];
  }

  /** Shards that hold data (every one but the removed). */
  live(): string[] {
    return this.names().filter((n) => this.get(n).state !== 'removed');
  }

  setState(name: string, state: ShardState): void {
    this.get(name).state = state;
  }

  /** Notes one client operation on `name` (for ops per second). */
  countOp(name: string): void {
    const s = this.get(name);
    s.recentOps.push(this.clock.now());
  }

  opsPerSec(name: string): number {
    const s = this.get(name);
    const since = this.clock.now() - 1000;
    while (s.recentOps.length && s.recentOps[0] <= since) s.recentOps.shift();
    return s.recentOps.length;
  }

  /** A write committed on `name`: its change-log entry and counts. */
  logWrite(name: string, user: number, changes: RowChange[]): ChangeEntry {
    const s = this.get(name);
    const entry = { seq: s.log.length, user, changes };
    s.log.push(entry);
    s.writes++;
    this.noteRows(name, changes, +1);
    return entry;
  }

  /** Rows arrived on (+1) or left (-1) `name`: keeps row counts and order-id holders. */
  noteRows(name: string, changes: RowChange[], sign: 1 | -1): void {
    for (const c of changes) {
      if (c.table !== 'orders') continue;
      const id = Number((c.newRow ?? c.oldRow ?? c.key).order_id);
      this.rowCounts.set(name, (this.rowCounts.get(name) ?? 0) + sign);
      const holders = this.idHolders.get(id) ?? new Map<string, number>();
      holders.set(name, (holders.get(name) ?? 0) + sign);
      if (holders.get(name) === 0) holders.delete(name);
      if (holders.size) this.idHolders.set(id, holders);
      else this.idHolders.delete(id);
      if (holders.size > 1) this.shared.add(id);
      else this.shared.delete(id);
    }
  }

  /** Orders rows as INSERT changes (for copying them elsewhere). */
  static inserts(table: string, key: string, rows: Row[]): RowChange[] {
    return rows.map((r) => ({ table, op: 'INSERT', key: { [key]: r[key] }, oldRow: null, newRow: r }));
  }

  rows(name: string): number {
    return this.rowCounts.get(name) ?? 0;
  }

  /** Order ids held by more than one live shard. */
  duplicateIds(): number[] {
    return [...this.shared]
      .filter(
        (id) => [...(this.idHolders.get(id)?.keys() ?? [])].filter((h) => this.get(h).state !== 'removed').length > 1,
      )
      .sort((a, b) => a - b);
  }

  snapshotOf(name: string, users: number, capacity: number): ShardSnapshot {
    const s = this.get(name);
    const opsPerSec = s.state === 'removed' ? 0 : this.opsPerSec(name);
    return {
      name,
      state: s.state,
      rows: this.rows(name),
      users,
      opsPerSec,
      utilisation: opsPerSec / capacity,
      writes: s.writes,
      down: this.down.has(name),
    };
  }

  /** Whether the shard's database is stopped (killShard): nothing reaches it, its rows stay. */
  isDown(name: string): boolean {
    return this.down.has(name);
  }

  setDown(name: string, down: boolean): void {
    this.get(name);
    if (down) this.down.add(name);
    else this.down.delete(name);
  }

  /** The live shards that are down, in order. */
  downShards(): string[] {
    return this.live().filter((n) => this.down.has(n));
  }

  /** Shuts one shard's database down. */
  async retire(name: string): Promise<void> {
    const s = this.get(name);
    s.state = 'removed';
    await s.db.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.shards.values()].filter((s) => s.state !== 'removed').map((s) => s.db.close().catch(() => undefined)),
    );
  }
}
