/**
 * The cluster's replication bookkeeping: the nodes' databases, the primary's log, one
 * stream per replica and the partitions, and what moves data between them: recording a
 * commit in the log and shipping it, pruning what every replica has replayed, draining,
 * and comparing tables for convergence. It decides nothing about failover or routing; it
 * asks the facade who leads and who is up through `ReplicationHost`.
 */

import { parseLsn } from '../db/lsn.ts';
import { shopUsersSql } from '../db/schema.ts';
import type { CapturedTxn, NodeHandle, NodeRole, SqlError } from '../db/types.ts';
import { type LogEntry, PrimaryLog } from '../replication/primaryLog.ts';
import { ReplicaStream, type Shipment } from '../replication/replicaStream.ts';
import type { VirtualClock } from '../sim/clock.ts';
import type { History } from '../sim/history.ts';
import type { SeededRandom } from '../sim/random.ts';
import type { NodeStatus } from './clusterMachine.ts';
import { type ClusterSettings, type ReplicaSettings, SNAPSHOT_USERS } from './settings.ts';

/** What replication needs to know of the rest of the cluster. */
export interface ReplicationHost {
  readonly clock: VirtualClock;
  readonly history: History;
  readonly random: SeededRandom;
  readonly settings: ClusterSettings;
  statusOf(node: string): NodeStatus;
  /** The node replicas follow. */
  leader(): string;
  /** What a primary the replicas no longer follow commits goes nowhere (split brain). */
  recordDivergent(txns: CapturedTxn[], node: string): LogEntry[];
}

type Tables = Record<string, Record<string, unknown>[]>;

export class ReplicationState {
  readonly dbs = new Map<string, NodeHandle>();
  readonly streams = new Map<string, ReplicaStream>();
  readonly partitioned = new Set<string>();
  /** The primary's log; set once the nodes have booted, replaced at a promotion. */
  log!: PrimaryLog;
  /** Engine times of recent operations per node, for ops/s. */
  private readonly recentOps = new Map<string, number[]>();
  private writesSinceCheckpoint = 0;

  constructor(private readonly host: ReplicationHost) {}

  /**
   * Boots every node (the first is the primary), then starts the log at the primary's WAL
   * position and a stream per replica. A failed boot closes the nodes that did boot
   * (workers, WASM memory) before reporting the failure.
   */
  async boot(
    nodes: [string, NodeRole][],
    factory: (name: string, role: NodeRole) => Promise<NodeHandle>,
    replicas: { name: string; settings: ReplicaSettings }[],
  ): Promise<void> {
    const booted = await Promise.allSettled(nodes.map(([name, role]) => factory(name, role)));
    const failed = booted.find((b) => b.status === 'rejected');
    if (failed) {
      await Promise.allSettled(booted.map((b) => (b.status === 'fulfilled' ? b.value.close() : undefined)));
      throw failed.reason;
    }
    nodes.forEach(([name], i) => {
      this.dbs.set(name, (booted[i] as PromiseFulfilledResult<NodeHandle>).value);
    });
    const { users } = this.host.settings;
    if (users !== SNAPSHOT_USERS) await Promise.all([...this.dbs.values()].map((db) => db.exec(shopUsersSql(users))));
    const lsn = await this.currentWalLsn(nodes[0][0]);
    this.log = new PrimaryLog(lsn);
    for (const r of replicas) this.streams.set(r.name, this.makeStream(r.name, r.settings, lsn, 0));
  }

  db(node: string): NodeHandle {
    const db = this.dbs.get(node);
    if (!db) throw new Error(`no node named "${node}"`);
    return db;
  }

  stream(node: string): ReplicaStream {
    const s = this.streams.get(node);
    if (!s) throw new Error(`"${node}" is not a replica (replicas: ${this.replicaNames().join(', ')})`);
    return s;
  }

  replicaNames(): string[] {
    return [...this.streams.keys()];
  }

  makeStream(name: string, settings: ReplicaSettings, startLsn: number, startIndex: number): ReplicaStream {
    const { clock, history, random } = this.host;
    return new ReplicaStream(name, this.db(name), settings, startLsn, startIndex, this.log.timeline, {
      clock,
      history,
      random,
      applyBatchMax: this.host.settings.applyBatchMax,
      isUp: () => this.host.statusOf(name) === 'up',
      onReplayed: () => this.prune(),
    });
  }

  /**
   * Whether `replica` receives from the primary now: both up, neither partitioned, the link
   * connected, and its stream follows the primary's timeline (after a promotion a standby
   * still follows the old primary until it is re-pointed: nothing of the new timeline
   * reaches it before, or it would replay new entries on top of old ones).
   */
  canStream(replica: string): boolean {
    const leader = this.host.leader();
    const reachable = (node: string) => this.host.statusOf(node) === 'up' && !this.partitioned.has(node);
    const s = this.stream(replica);
    return reachable(leader) && reachable(replica) && s.connected && s.timeline === this.log.timeline;
  }

  /** Ships every committed entry each streaming replica has not been sent yet. */
  shipAll(): void {
    const now = this.host.clock.now();
    for (const [name, s] of this.streams) {
      if (!this.canStream(name)) continue;
      const entries = this.log.after(s.sent);
      const committed = entries.findIndex((e) => e.committedAt > now);
      s.ship(committed < 0 ? entries : entries.slice(0, committed));
    }
  }

  /** Records committed transactions in the log and ships them; returns the new entries. */
  commit(txns: CapturedTxn[], endLsn: number, node: string): LogEntry[] {
    const { clock, settings } = this.host;
    // A primary the replicas no longer follow (partitioned or unfenced old primary):
    // what it commits goes nowhere. Kept to show the two histories side by side.
    if (node !== this.host.leader()) return this.host.recordDivergent(txns, node);
    // The local commit (flushing the commit record) takes commitMs; the walsender ships a
    // transaction once it is committed, as MySQL's AFTER_SYNC and PostgreSQL do.
    const entries = this.log.append(txns, clock.now() + settings.commitMs);
    this.log.noteLsn(endLsn);
    if (entries.length > 0) clock.schedule(settings.commitMs, () => this.shipAll(), 'ship');
    if (++this.writesSinceCheckpoint >= settings.checkpointEveryWrites) {
      this.writesSinceCheckpoint = 0;
      // PGlite never checkpoints by itself; without this its in-memory WAL grows unbounded.
      void clock.track(this.db(node).exec('CHECKPOINT'));
    }
    return entries;
  }

  /** A failed statement may still have committed earlier statements of its batch: record those. */
  commitCaptured(err: SqlError, node: string): void {
    const { captured } = err as SqlError & { captured?: { txns: CapturedTxn[]; endLsn: number } };
    if (captured && captured.txns.length > 0) this.commit(captured.txns, captured.endLsn, node);
  }

  /** Drops log entries every replica has replayed (a replication slot's retention). */
  private prune(): void {
    let min = this.log.headIndex;
    for (const s of this.streams.values()) min = Math.min(min, s.replayed);
    this.log.prune(min);
  }

  countOp(node: string): void {
    const list = this.recentOps.get(node) ?? [];
    list.push(this.host.clock.now());
    if (list.length > 4096) list.splice(0, list.length - 2048);
    this.recentOps.set(node, list);
  }

  /** Operations (client reads and writes, replayed transactions) in the last second. */
  opsPerSec(node: string): number {
    const since = this.host.clock.now() - 1000;
    const list = this.recentOps.get(node) ?? [];
    let n = 0;
    for (let i = list.length - 1; i >= 0 && list[i] > since; i--) n++;
    return n;
  }

  /** Engine ms since the oldest transaction `node` has not replayed committed (0 for the primary). */
  behindMsOf(node: string): number {
    const s = this.streams.get(node);
    if (!s) return 0;
    const next = this.log.get(s.replayed + 1);
    return next ? Math.max(0, this.host.clock.now() - next.committedAt) : 0;
  }

  replayLsnOf(node: string): number {
    const s = this.streams.get(node);
    return s ? s.positions().replayLsn : this.log.headLsn;
  }

  async currentWalLsn(node: string): Promise<number> {
    const r = await this.db(node).query('SELECT pg_current_wal_insert_lsn()::text AS lsn');
    return parseLsn(String(r.rows[0].lsn));
  }

  /** Runs the clock until every connected, live replica has replayed the whole log. */
  async drain(limitMs: number): Promise<boolean> {
    const clock = this.host.clock;
    const until = clock.now() + limitMs;
    const caughtUp = () =>
      [...this.streams.values()].every((s) => !this.canStream(s.name) || s.replayed >= this.log.headIndex);
    await clock.runWhile(() => !caughtUp(), until);
    return caughtUp();
  }

  /** Whether every replica's schema and tables equal the primary's, row for row (DDL replicates too). */
  async converged(primary: string): Promise<{ converged: boolean; differing: string[] }> {
    const dump = async (node: string) => {
      await this.streams.get(node)?.writeReplayed();
      return JSON.stringify(await this.db(node).dumpDatabase());
    };
    const expected = await dump(primary);
    const differing: string[] = [];
    for (const name of this.replicaNames()) if ((await dump(name)) !== expected) differing.push(name);
    return { converged: differing.length === 0, differing };
  }

  /** Every replicated table of `node` now, its replica's replayed batch written first. */
  async dumpTablesNow(node: string): Promise<Tables> {
    await this.streams.get(node)?.writeReplayed();
    return this.db(node).dumpTables();
  }

  /** Every transaction on a link or waiting to be replayed, per replica. */
  shipments(): Shipment[] {
    return [...this.streams.values()].flatMap((s) => s.shipments());
  }
}
