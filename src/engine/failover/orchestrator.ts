/**
 * Failover orchestration, the work behind the failover machine's actors and actions (the
 * machine decides when; cluster.ts provides these methods to it): which node is primary
 * and where clients' writes go, the health check, electing a candidate, promoting it
 * (fencing the old primary, accounting for lost writes), repointing the replicas
 * (pg_rewind), an old primary's rejoin by a fresh copy, and split brain. It owns that
 * state; it reaches the nodes, streams and log only through the narrow `FailoverHost`.
 */

import type { ClusterMachineEvent, NodeStatus } from '../cluster/clusterMachine.ts';
import { type ClusterSettings, PRIMARY, type ReplicaSettings, resolveSettings, STANDBY } from '../cluster/settings.ts';
import type { CapturedTxn, NodeHandle } from '../db/types.ts';
import type { CommitAcks } from '../replication/commitAcks.ts';
import { type LogEntry, PrimaryLog } from '../replication/primaryLog.ts';
import type { ReplicaStream } from '../replication/replicaStream.ts';
import type { VirtualClock } from '../sim/clock.ts';
import type { History } from '../sim/history.ts';
import { chooseCandidate, MAX_LAG_BYTES_DEFAULT, type PromotionPolicy } from './candidate.ts';
import { lostWrites, SEQUENCE_AFTER_PROMOTION_SQL } from './promotionEffects.ts';
import { copyTablesSql, needsWholeCopy, rewindSql } from './rewind.ts';

/**
 * What a node holds: timeline `timeline`'s history up to log entry `entry` (and `lsn`). An
 * entry is named by its index and the timeline that wrote it; a timeline's history is its
 * parent's up to the fork point, then its own entries.
 */
export interface NodePosition {
  timeline: number;
  entry: number;
  lsn: number;
}

/** One automatic failover, as the summary reports it. */
export interface FailoverRecord {
  oldPrimary: string;
  detectedAt: number;
  promoted?: string;
  promotedAt?: number;
  endpointMovedAt?: number;
}

/** What the orchestrator may use of the cluster (all of it engine state the facade owns). */
export interface FailoverHost {
  readonly clock: VirtualClock;
  readonly history: History;
  readonly settings: ClusterSettings;
  readonly acks: CommitAcks;
  /** The replication streams by replica name: a promotion removes one, repointing replaces them. */
  readonly streams: Map<string, ReplicaStream>;
  log(): PrimaryLog;
  /** Replaces the primary's log (a promotion forks a new timeline). */
  setLog(log: PrimaryLog): void;
  statusOf(node: string): NodeStatus;
  isPartitioned(node: string): boolean;
  /** Sends an event to the nodes' lifecycle machine (KILL, SET_ROLE). */
  sendNodeEvent(event: ClusterMachineEvent): void;
  db(node: string): NodeHandle;
  stream(node: string): ReplicaStream;
  replicaNames(): string[];
  makeStream(name: string, settings: ReplicaSettings, startLsn: number, startIndex: number): ReplicaStream;
  currentWalLsn(node: string): Promise<number>;
  shipAll(): void;
}

export { SEQUENCE_AFTER_PROMOTION_SQL } from './promotionEffects.ts';

export class FailoverOrchestrator {
  /** The node replicas follow and the failover manager watches ("current-primary"). */
  private leaderNode = PRIMARY;
  /** Where clients' writes go (the seed's DNS name); it moves last in a failover. */
  private endpointNode = PRIMARY;
  /** Old primaries fenced at a promotion: they rejoin as replicas, never take writes on their own. */
  readonly fenced = new Set<string>();
  /** Transactions acknowledged by a node that was no longer the primary replicas follow (split brain). */
  readonly divergent = new Map<string, LogEntry[]>();
  /**
   * The log of each old primary that neither leads nor streams (yet): it holds that
   * timeline up to its head, and what it commits unfenced continues that timeline, as an
   * old primary's WAL does after another node was promoted.
   */
  private readonly formerLogs = new Map<string, PrimaryLog>();
  /** The candidate between the replay of what it received and its new timeline. */
  private promoting: { node: string; position: NodePosition } | undefined;
  private fencingOn = true;
  private policy: PromotionPolicy = 'most-up-to-date';
  private lagBytesMax = MAX_LAG_BYTES_DEFAULT;
  readonly records: FailoverRecord[] = [];
  private splitBrainSeen = false;
  /** The newest log entry acknowledged to a client on the current timeline. */
  private lastAckedEntry = 0;
  /** The old timeline's entries after the last promotion's fork point (what it threw away). */
  private oldTail: LogEntry[] = [];
  private forkAt = { index: 0, lsn: 0 };

  constructor(private readonly host: FailoverHost) {}

  get leader(): string {
    return this.leaderNode;
  }

  get endpoint(): string {
    return this.endpointNode;
  }

  get fencing(): boolean {
    return this.fencingOn;
  }

  get promotionPolicy(): PromotionPolicy {
    return this.policy;
  }

  get maxLagBytes(): number {
    return this.lagBytesMax;
  }

  get splitBrain(): boolean {
    return this.splitBrainSeen;
  }

  setFencing(on: boolean): void {
    this.fencingOn = on;
  }

  setPromotionPolicy(policy: PromotionPolicy, maxLagBytes?: number): void {
    this.policy = policy;
    if (maxLagBytes !== undefined) this.lagBytesMax = maxLagBytes;
  }

  /** A write on the current primary was acknowledged: candidates must have it (sync mode). */
  noteAcked(entryIndex: number): void {
    this.lastAckedEntry = Math.max(this.lastAckedEntry, entryIndex);
  }

  /**
   * What a primary the replicas no longer follow (partitioned or unfenced old primary)
   * commits goes nowhere. Kept to show the two histories side by side; returns the entries.
   */
  recordDivergent(txns: CapturedTxn[], node: string): LogEntry[] {
    const { clock, settings } = this.host;
    const list = this.divergent.get(node) ?? [];
    // It continues the timeline it led (a node that never led starts a log of its own).
    let former = this.formerLogs.get(node);
    if (!former) {
      former = new PrimaryLog(txns[0]?.lsn ?? 0, node, 0);
      this.formerLogs.set(node, former);
    }
    const entries = former.append(txns, clock.now() + settings.commitMs);
    list.push(...entries);
    this.divergent.set(node, list);
    return entries;
  }

  /**
   * What `node` holds now, its own real position: a replica's replay position on the
   * timeline it follows, the primary's head, an old primary's own timeline (whatever the
   * new primary has written since).
   */
  positionOf(node: string): NodePosition {
    const host = this.host;
    const stream = host.streams.get(node);
    if (stream) {
      const p = stream.positions();
      return { timeline: p.timeline, entry: p.replayedIndex, lsn: p.replayLsn };
    }
    if (node === this.leader) return headOf(host.log());
    if (this.promoting?.node === node) return this.promoting.position;
    const former = this.formerLogs.get(node);
    return former ? headOf(former) : { timeline: 0, entry: 0, lsn: 0 };
  }

  // ---- what the failover machine's actors and actions do (provided in cluster.ts) -------

  /** The health check: the primary answers unless it is down or cut off from the manager. */
  primaryReachable(): boolean {
    return this.host.statusOf(this.leader) === 'up' && !this.host.isPartitioned(this.leader);
  }

  /** A health check's result: failed ones go in the history. */
  checked(ok: boolean, failures: number): void {
    if (!ok || failures > 0) this.host.history.record({ type: 'health.check', node: this.leader, ok, failures });
  }

  /** The primary missed its health checks in a row: a failover starts. */
  detected(): void {
    const { clock, history } = this.host;
    // A failover still waiting for a candidate (or after a failed promotion) goes on; it is not a new one.
    const last = this.records.at(-1);
    if (!last || last.promoted || last.oldPrimary !== this.leader) {
      this.records.push({ detectedAt: clock.now(), oldPrimary: this.leader });
    }
    history.record({
      type: 'failover.phase',
      phase: 'detect',
      node: this.leader,
      detail: `${this.leader} missed its health checks: declared dead`,
    });
  }

  /** The last phase: clients' writes go to the new primary from now on. */
  moveEndpoint(candidate: string): void {
    const { clock, history } = this.host;
    this.endpointNode = candidate;
    const record = this.records.at(-1);
    if (record) record.endpointMovedAt = clock.now();
    history.record({
      type: 'failover.phase',
      phase: 'endpoint',
      node: candidate,
      detail: `the endpoint clients write to now points at ${candidate}: writes resume`,
    });
  }

  /**
   * A promotion or a re-pointing failed: the `failed` phase. A failed promotion changed no
   * primary, so the old primary is unfenced: restarted, it is the primary again (Patroni
   * would let it take the leader key back), not a replica of itself.
   */
  failed(step: 'promotion' | 'repointing', candidate: string, message: string): void {
    const { history, streams } = this.host;
    if (step === 'promotion') this.fenced.delete(this.leader);
    const left = step === 'promotion' && !streams.has(candidate) ? `; ${candidate} left replication` : '';
    history.record({
      type: 'failover.phase',
      phase: 'failed',
      node: candidate,
      detail:
        step === 'promotion'
          ? `promotion of ${candidate} failed: ${message}${left}; the manager keeps checking ${this.leader} and elects again while it is down`
          : `re-pointing the replicas at ${candidate} failed: ${message}; the endpoint still moves to ${candidate}`,
    });
  }

  /** The election: the candidate the promotion policy picks, recorded with its reasons. */
  chooseCandidate(): string | undefined {
    const host = this.host;
    const views = host.replicaNames().map((name) => {
      const p = host.stream(name).positions();
      return {
        name,
        reachable: host.statusOf(name) === 'up' && !host.isPartitioned(name),
        receivedLsn: p.writeLsn,
        receivedIndex: p.receivedIndex,
        standby: name === STANDBY,
      };
    });
    const sync = host.acks.modes().orders.mode === 'sync';
    const choice = chooseCandidate(
      this.promotionPolicy,
      views,
      host.log().headLsn,
      this.maxLagBytes,
      sync ? this.lastAckedEntry : undefined,
    );
    const rejected = choice.rejected.map((r) => `${r.name}: ${r.why}`).join('; ');
    host.history.record({
      type: 'failover.phase',
      phase: choice.candidate ? 'elect' : 'no-candidate',
      node: choice.candidate,
      detail: `${choice.reason}${rejected ? ` (not: ${rejected})` : ''}`,
    });
    return choice.candidate;
  }

  /**
   * Promotion: fence the old primary (if fencing is on), replay everything the candidate
   * received, make it read-write, start a new timeline from what it has. Acknowledged writes
   * beyond that are lost.
   */
  async promote(candidate: string): Promise<void> {
    const host = this.host;
    const old = this.leader;
    if (this.fencing && host.statusOf(old) === 'up') {
      // STONITH: power the old primary off before anyone else may take writes.
      this.fenced.add(old);
      host.history.record({ type: 'node.fenced', node: old, detail: 'fenced (STONITH) before the promotion' });
      host.sendNodeEvent({ type: 'KILL', node: old });
    } else if (this.fencing) {
      this.fenced.add(old);
    }
    const stream = host.stream(candidate);
    const reached = await stream.promote();
    const oldLog = host.log();
    this.promoting = {
      node: candidate,
      position: { timeline: stream.timeline, entry: reached.index, lsn: reached.lsn },
    };
    host.streams.delete(candidate);
    this.oldTail = oldLog.tailAfter(reached.index);
    this.forkAt = reached;
    this.recordLostWrites(old);
    await host.db(candidate).setRole('primary');
    // Sequences are WAL-logged 32 values ahead, so the promoted node's next order id jumps.
    await host.db(candidate).exec(SEQUENCE_AFTER_PROMOTION_SQL);
    const walLsn = await host.currentWalLsn(candidate);
    host.setLog(oldLog.fork(reached.index, reached.lsn, candidate, walLsn));
    // The old primary keeps its own timeline (and, unfenced, writes more of it).
    this.formerLogs.set(old, oldLog);
    this.formerLogs.delete(candidate);
    this.promoting = undefined;
    host.acks.orphanWaiting(old);
    host.acks.resetFeedback(reached.index);
    host.acks.dropStandby(candidate);
    this.leaderNode = candidate;
    host.sendNodeEvent({ type: 'SET_ROLE', node: candidate, role: 'primary' });
    if (this.fencing) host.sendNodeEvent({ type: 'SET_ROLE', node: old, role: 'replica' });
    const record = this.records.at(-1);
    if (record) Object.assign(record, { promoted: candidate, promotedAt: host.clock.now() });
    host.history.record({
      type: 'failover.phase',
      phase: 'promote',
      node: candidate,
      detail: `${candidate} replayed what it had received (up to entry ${reached.index}) and accepts writes: timeline ${host.log().timeline}`,
      timeline: host.log().timeline,
      forkEntry: reached.index,
    });
  }

  /** Records the acknowledged orders the promoted node never received (see promotionEffects.ts). */
  private recordLostWrites(old: string): void {
    const { orderIds, ops } = lostWrites(this.host.history, this.oldTail);
    if (ops.length) this.host.history.record({ type: 'failover.lost', orderIds, ops, fromNode: old });
  }

  /**
   * Points every other replica at the new primary, rewinding any that received more than it
   * had. One that cannot be rewound keeps its stopped stream (it needs a fresh copy) and the
   * others still follow; then it rejects, naming each replica that could not follow.
   */
  async repoint(candidate: string): Promise<void> {
    const host = this.host;
    const refused: string[] = [];
    for (const name of host.replicaNames()) {
      const old = host.stream(name);
      try {
        const { replayed, replayedLsn } = await old.retire();
        const start = await this.rewindTo(name, replayed, replayedLsn);
        host.streams.set(name, host.makeStream(name, old.settings, start.lsn, start.index));
      } catch (err) {
        refused.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (refused.length > 0) {
      host.shipAll();
      throw new Error(refused.join('; '));
    }
    host.history.record({
      type: 'failover.phase',
      phase: 'repoint',
      node: candidate,
      detail: `${host.replicaNames().join(', ') || 'no replica'} now follow ${candidate}`,
    });
    host.shipAll();
  }

  /**
   * pg_rewind: undoes on `node` the transactions after the new timeline's fork point that
   * it has (replayed from the old primary, or committed itself as the old primary).
   * Returns where its stream restarts.
   */
  private async rewindTo(node: string, replayed: number, replayedLsn: number): Promise<{ index: number; lsn: number }> {
    const fork = this.forkPoint();
    const own = this.divergent.get(node) ?? [];
    const tail = [...this.oldTail.filter((e) => e.index > fork.index && e.index <= replayed), ...own];
    if (tail.length === 0) return { index: replayed, lsn: replayedLsn };
    const sql = rewindSql(tail);
    // The lab undoes rows, not DDL or TRUNCATE (pg_rewind copies changed blocks and can):
    // such a node takes a fresh base backup instead, which Patroni also falls back to.
    if (sql === undefined) {
      this.divergent.delete(node);
      return this.freshCopy(node);
    }
    await this.host.db(node).exec(sql);
    this.divergent.delete(node);
    this.host.history.record({
      type: 'node.rewound',
      node,
      discardedOrderIds: tail.flatMap((e) => e.orderIds),
      entries: tail.length,
      method: 'pg_rewind',
      timeline: this.host.log().timeline,
      entry: fork.index,
    });
    return fork;
  }

  /**
   * An old primary, fenced at a promotion, rejoins as a replica once restarted: it throws
   * away what the new primary does not have by taking a fresh copy of it (the new primary
   * kept no WAL for a node it never streamed to), and the discarded rows are recorded.
   */
  async rejoin(node: string): Promise<void> {
    const host = this.host;
    this.fenced.delete(node);
    await host.db(node).setRole('replica');
    const start = await this.freshCopy(node);
    const settings = host.settings.replicaSettings[0] ?? resolveSettings({ replicas: 1 }).replicaSettings[0];
    host.streams.set(node, host.makeStream(node, { ...settings }, start.lsn, start.index));
    this.formerLogs.delete(node);
    this.divergent.delete(node);
    host.sendNodeEvent({ type: 'SET_ROLE', node, role: 'replica' });
    host.shipAll();
  }

  private forkPoint(): { index: number; lsn: number } {
    return this.forkAt;
  }

  /**
   * Replaces `node`'s data with a copy of the primary's (pg_basebackup); returns where it
   * stands. The shop's tables are copied row by row; when a console's DDL made the schemas
   * differ or added tables of its own, the whole data directory is copied instead.
   */
  private async freshCopy(node: string): Promise<{ index: number; lsn: number }> {
    const host = this.host;
    const leader = this.leader;
    await host.streams.get(leader)?.writeReplayed();
    const source = await host.db(leader).dumpTables();
    const before = await host.db(node).dumpTables();
    const kept = new Set(source.orders.map((r) => Number(r.order_id)));
    if (await needsWholeCopy(host.db(leader), host.db(node)))
      await host.db(node).restore(await host.db(leader).image());
    else await host.db(node).exec(copyTablesSql(source));
    const log = host.log();
    host.history.record({
      type: 'node.rewound',
      node,
      discardedOrderIds: before.orders.map((r) => Number(r.order_id)).filter((id) => !kept.has(id)),
      entries: 0,
      method: 'fresh copy',
      timeline: log.timeline,
      entry: log.headIndex,
    });
    return { index: log.headIndex, lsn: log.headLsn };
  }

  /** A client's write was acknowledged by `node`, which the replicas no longer follow. */
  noteSplitBrain(node: string): void {
    if (this.splitBrain) return;
    this.splitBrainSeen = true;
    this.host.history.record({ type: 'split-brain', nodes: [node, this.leader] });
  }
}

function headOf(log: PrimaryLog): NodePosition {
  return { timeline: log.timeline, entry: log.headIndex, lsn: log.headLsn };
}
