/**
 * Resharding on live traffic, in the phases real systems use (Vitess Reshard/MoveTables,
 * Citus shard moves), each an event on the virtual clock and a `shard.phase` in the history:
 *
 * 1. copy: one consistent snapshot of the moving users' rows per source (one statement),
 *    written to the targets in chunks while writes go on;
 * 2. catch-up: the source's change log after the snapshot, applied in rounds until little is left;
 * 3. verify: a final catch-up, then row counts and an md5 of every column on both sides (VDiff);
 * 4. switch-reads: the moving users' reads go to the target; their new writes on the source are
 *    forwarded as they commit (replication keeps running);
 * 5. switch-writes: their writes pause, the rest of the log is applied, routing flips, the
 *    paused writes go on to the target (the pause is measured);
 * 6. cleanup: the source's copies are deleted; a removed shard is shut down.
 *
 * A failure (a copied order id already taken on the target, with per-shard serial ids)
 * aborts the move: the copies are deleted and routing never changed, so nothing is lost.
 */
import type { RowChange } from '../db/types.ts';
import type { VirtualClock } from '../sim/clock.ts';
import type { History } from '../sim/history.ts';
import { copy, type MoveState, newMove, RESHARD_TIMINGS } from './moveState.ts';
import type { ChangeEntry } from './shardSet.ts';
import { ShardSet } from './shardSet.ts';
import { checksumSql, deleteUsersSql, snapshotRowsSql } from './shardSql.ts';
import type { Placement } from './strategies.ts';
import type { ReshardPhase, ShardMoveSnapshot } from './types.ts';

export { RESHARD_TIMINGS } from './moveState.ts';

type Row = Record<string, unknown>;

/** What the mover uses of the router (sharding.ts): the shards, the two placements, the clock and the history. */
export interface MoverHost {
  readonly shards: ShardSet;
  placement: Placement | undefined;
  readPlacement: Placement | undefined;
  readonly host: { readonly clock: VirtualClock; readonly history: History; readonly settings: { users: number } };
}

export class Mover {
  private readonly all: MoveState[] = [];
  private running: MoveState | undefined;

  constructor(private readonly s: MoverHost) {}

  current(): ShardMoveSnapshot | null {
    return this.running ? copy(this.running) : null;
  }

  moves(): ShardMoveSnapshot[] {
    return this.all.map(copy);
  }

  /** While writes switch: a promise that settles when `user`'s writes may go on. */
  pausedFor(user: number): Promise<void> | undefined {
    const m = this.running;
    if (!m || m.pausedSince === undefined || !m.moving.has(user)) return undefined;
    return new Promise<void>((resolve) => m.waiters.push(resolve));
  }

  /** After switch-reads, a moving user's write on its source reaches the target as it commits. */
  async forward(shard: string, entry: ChangeEntry): Promise<void> {
    const m = this.running;
    if (!m?.readsSwitched || m.moving.get(entry.user)?.from !== shard) return;
    await this.catchUp(m);
  }

  /**
   * Starts a move from the current placement to `after` (shards already booted) and
   * resolves with it once it is done or failed.
   */
  start(kind: ShardMoveSnapshot['kind'], after: Placement): Promise<ShardMoveSnapshot> {
    if (this.running) throw new Error(`move ${this.running.id} is still running (${this.running.phase})`);
    const before = this.s.placement as Placement;
    const users = this.s.host.settings.users;
    return new Promise<ShardMoveSnapshot>((done) => {
      const m = newMove({ id: this.all.length + 1, kind, before, after, users, now: this.s.host.clock.now(), done });
      const moving = m.moving;
      this.all.push(m);
      this.running = m;
      this.s.host.history.record({
        type: 'shard.move',
        move: m.id,
        kind,
        status: 'started',
        sources: m.sources,
        targets: m.targets,
        movingUsers: moving.size,
        detail: `${moving.size} of ${users} users change shard (theory: ${(m.expectedMovedShare * 100).toFixed(1)}% of keys)`,
        expectedMovedShare: m.expectedMovedShare,
      });
      this.at(m, 0, () => this.copyPhase(m));
    });
  }

  private phase(m: MoveState, phase: ReshardPhase, detail: string): void {
    const now = this.s.host.clock.now();
    const open = m.phases.at(-1);
    if (open && open.endedAt === undefined) open.endedAt = now;
    m.phases.push({ phase, startedAt: now });
    m.phase = phase;
    this.s.host.history.record({ type: 'shard.phase', move: m.id, phase, detail });
  }

  /** Runs `work` as an event `delayMs` from now; a failure aborts the move. */
  private at(m: MoveState, delayMs: number, work: () => Promise<void>): void {
    this.s.host.clock.schedule(delayMs, () => this.guard(m, work), `reshard ${m.id}`);
  }

  private async guard(m: MoveState, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      await this.fail(m, err instanceof Error ? err.message : String(err));
    }
  }

  private usersOf(m: MoveState, pick: (p: { from: string; to: string }) => boolean): number[] {
    return [...m.moving].filter(([, p]) => pick(p)).map(([u]) => u);
  }

  private async copyPhase(m: MoveState): Promise<void> {
    const chunks: { target: string; changes: RowChange[]; rows: number }[] = [];
    for (const source of m.sources) {
      // The snapshot and the watermark are taken in the same event: the log after it is what catch-up applies.
      m.watermark.set(source, this.s.shards.get(source).log.length);
      const users = this.usersOf(m, (p) => p.from === source);
      const r = (await this.s.shards.db(source).query(snapshotRowsSql(users))).rows[0] as {
        orders: string;
        items: string;
      };
      const orders = JSON.parse(r.orders) as Row[];
      const items = JSON.parse(r.items) as Row[];
      const itemsOf = new Map<number, Row[]>();
      for (const i of items) itemsOf.set(Number(i.order_id), [...(itemsOf.get(Number(i.order_id)) ?? []), i]);
      for (const target of m.targets) {
        const mine = orders.filter((o) => m.moving.get(Number(o.user_id))?.to === target);
        for (let i = 0; i < mine.length; i += RESHARD_TIMINGS.chunkRows) {
          const part = mine.slice(i, i + RESHARD_TIMINGS.chunkRows);
          const changes = [
            ...ShardSet.inserts('orders', 'order_id', part),
            ...ShardSet.inserts(
              'order_items',
              'order_item_id',
              part.flatMap((o) => itemsOf.get(Number(o.order_id)) ?? []),
            ),
          ];
          chunks.push({ target, changes, rows: part.length });
        }
      }
      m.snapshotRows += orders.length;
    }
    this.phase(
      m,
      'copy',
      `${m.snapshotRows} rows of ${m.movingUsers} users from a consistent snapshot, in ${chunks.length} chunks of up to ${RESHARD_TIMINGS.chunkRows}`,
    );
    const chunkMs = (RESHARD_TIMINGS.chunkRows * 1000) / RESHARD_TIMINGS.rowsPerSec;
    const next = (i: number) => {
      if (i >= chunks.length) {
        this.at(m, 0, () => this.catchUpPhase(m, 0));
        return;
      }
      this.at(m, chunkMs, async () => {
        const c = chunks[i];
        await this.s.shards.db(c.target).apply([{ xid: 0, lsn: 0, changes: c.changes }]);
        this.s.shards.noteRows(c.target, c.changes, +1);
        m.copiedRows += c.rows;
        next(i + 1);
      });
    };
    next(0);
  }

  /** Applies every change the sources logged after their watermark for moving users; returns the rows applied. */
  private async catchUp(m: MoveState): Promise<number> {
    let applied = 0;
    for (const source of m.sources) {
      const log = this.s.shards.get(source).log;
      const from = m.watermark.get(source) ?? log.length;
      const byTarget = new Map<string, RowChange[]>();
      for (const e of log.slice(from)) {
        const to = m.moving.get(e.user)?.to;
        if (to) byTarget.set(to, [...(byTarget.get(to) ?? []), ...e.changes]);
      }
      m.watermark.set(source, log.length);
      for (const [target, changes] of byTarget) {
        await this.s.shards.db(target).apply([{ xid: 0, lsn: 0, changes }]);
        this.s.shards.noteRows(target, changes, +1);
        applied += changes.filter((c) => c.table === 'orders').length;
      }
    }
    m.caughtUpRows += applied;
    return applied;
  }

  private pending(m: MoveState): number {
    return m.sources.reduce((n, source) => {
      const log = this.s.shards.get(source).log;
      return n + log.slice(m.watermark.get(source) ?? log.length).filter((e) => m.moving.has(e.user)).length;
    }, 0);
  }

  private async catchUpPhase(m: MoveState, round: number): Promise<void> {
    if (round === 0) this.phase(m, 'catch-up', "applying the sources' change log since the snapshot");
    const backlog = this.pending(m);
    await this.catchUp(m);
    if (backlog > RESHARD_TIMINGS.lowWater && round + 1 < RESHARD_TIMINGS.maxRounds) {
      this.at(m, RESHARD_TIMINGS.catchUpMs, () => this.catchUpPhase(m, round + 1));
      return;
    }
    this.at(m, RESHARD_TIMINGS.catchUpMs, () => this.verifyPhase(m));
  }

  private async verifyPhase(m: MoveState): Promise<void> {
    this.phase(m, 'verify', 'final catch-up, then row counts and checksums on both sides (VDiff)');
    await this.catchUp(m);
    const sum = { sourceRows: 0, targetRows: 0, source: [] as string[], target: [] as string[] };
    for (const source of m.sources) {
      for (const target of m.targets) {
        const users = this.usersOf(m, (p) => p.from === source && p.to === target);
        if (!users.length) continue;
        const [a] = (await this.s.shards.db(source).query(checksumSql(users))).rows as { n: number; sum: string }[];
        const [b] = (await this.s.shards.db(target).query(checksumSql(users))).rows as { n: number; sum: string }[];
        sum.sourceRows += a.n;
        sum.targetRows += b.n;
        sum.source.push(a.sum);
        sum.target.push(b.sum);
      }
    }
    const ok = sum.sourceRows === sum.targetRows && sum.source.join() === sum.target.join();
    m.verify = {
      sourceRows: sum.sourceRows,
      targetRows: sum.targetRows,
      sourceChecksum: sum.source.join('/').slice(0, 32),
      targetChecksum: sum.target.join('/').slice(0, 32),
      ok,
    };
    if (!ok)
      throw new Error(`verify failed: source ${sum.sourceRows} rows, target ${sum.targetRows} rows, checksums differ`);
    const ms = Math.max(1, Math.ceil(((sum.sourceRows + sum.targetRows) * 1000) / RESHARD_TIMINGS.verifyRowsPerSec));
    this.at(m, ms, () => this.switchReads(m));
  }

  private async switchReads(m: MoveState): Promise<void> {
    this.phase(
      m,
      'switch-reads',
      "the moving users' reads go to their new shard; their writes still commit on the source and are forwarded",
    );
    await this.catchUp(m);
    m.readsSwitched = true;
    this.s.readPlacement = m.after;
    this.at(m, RESHARD_TIMINGS.switchReadsMs, () => this.switchWrites(m));
  }

  private async switchWrites(m: MoveState): Promise<void> {
    this.phase(m, 'switch-writes', 'writes on the moving keys pause; final catch-up; routing flips');
    m.pausedSince = this.s.host.clock.now();
    const backlog = this.pending(m);
    await this.catchUp(m);
    const ms = RESHARD_TIMINGS.flipMs + Math.ceil((backlog * 1000) / RESHARD_TIMINGS.rowsPerSec);
    this.at(m, ms, async () => {
      await this.catchUp(m);
      this.s.placement = m.after;
      this.s.readPlacement = m.after;
      const now = this.s.host.clock.now();
      m.writePauseMs = now - (m.pausedSince ?? now);
      m.pausedWrites = m.waiters.length;
      this.release(m);
      const live = this.s.shards.live();
      const all = live.reduce((n, s) => n + this.s.shards.rows(s), 0);
      m.movedRows = m.copiedRows + m.caughtUpRows;
      m.totalRows = all - m.movedRows;
      m.movedShare = m.totalRows ? Number((m.movedRows / m.totalRows).toFixed(4)) : 0;
      this.at(m, 0, () => this.cleanup(m));
    });
  }

  /** Lets the paused writes go on (each as an event of its own, in arrival order). */
  private release(m: MoveState): void {
    const waiters = m.waiters.splice(0);
    m.pausedSince = undefined;
    for (const w of waiters) w();
  }

  private async cleanup(m: MoveState): Promise<void> {
    this.phase(m, 'cleanup', 'deleting the moved rows from the sources');
    for (const source of m.sources) {
      const users = this.usersOf(m, (p) => p.from === source);
      const gone = await this.rowsOf(source, users);
      await this.s.shards.db(source).exec(deleteUsersSql(users));
      this.s.shards.noteRows(source, gone, -1);
    }
    const ms = Math.max(1, Math.ceil((m.movedRows * 1000) / RESHARD_TIMINGS.rowsPerSec));
    this.at(m, ms, async () => {
      for (const name of this.s.shards.live()) {
        const state = this.s.shards.get(name).state;
        if (state === 'leaving') await this.s.shards.retire(name);
        else if (state === 'new') this.s.shards.setState(name, 'serving');
      }
      this.finish(m, 'done');
    });
  }

  /** The order rows of `users` on `shard`, as changes (for the counts). */
  private async rowsOf(shard: string, users: number[]): Promise<RowChange[]> {
    const r = (await this.s.shards.db(shard).query(snapshotRowsSql(users))).rows[0] as { orders: string };
    return ShardSet.inserts('orders', 'order_id', JSON.parse(r.orders) as Row[]);
  }

  private finish(m: MoveState, status: 'done' | 'failed'): void {
    const now = this.s.host.clock.now();
    const open = m.phases.at(-1);
    if (open && open.endedAt === undefined) open.endedAt = now;
    m.phase = status;
    m.endedAt = now;
    this.running = undefined;
    this.s.host.history.record({
      type: 'shard.move',
      move: m.id,
      kind: m.kind,
      status,
      sources: m.sources,
      targets: m.targets,
      movingUsers: m.movingUsers,
      detail: status === 'done' ? `${m.movedRows} rows moved` : `aborted: ${m.error}`,
      movedRows: m.movedRows,
      totalRows: m.totalRows,
      expectedMovedShare: m.expectedMovedShare,
      writePauseMs: m.writePauseMs,
    });
    m.done(copy(m));
  }

  /** Aborts: the targets' copies go, routing goes back to the sources, paused writes go on there. */
  private async fail(m: MoveState, error: string): Promise<void> {
    if (m.phase === 'done' || m.phase === 'failed') return;
    m.error = error;
    this.s.readPlacement = this.s.placement;
    m.readsSwitched = false;
    for (const target of m.targets) {
      const users = this.usersOf(m, (p) => p.to === target);
      const copies = await this.rowsOf(target, users);
      await this.s.shards.db(target).exec(deleteUsersSql(users));
      this.s.shards.noteRows(target, copies, -1);
    }
    for (const name of this.s.shards.live()) {
      const state = this.s.shards.get(name).state;
      if (state === 'new') await this.s.shards.retire(name);
      else if (state === 'leaving') this.s.shards.setState(name, 'serving');
    }
    m.movedRows = 0;
    this.release(m);
    this.finish(m, 'failed');
  }
}
