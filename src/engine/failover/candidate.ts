/**
 * Which replica to promote, as a pure decision. The seed's policy promotes replica 1
 * whatever it has; Patroni and Orchestrator promote the most advanced healthy replica,
 * and Patroni refuses one lagging more than `maximum_lag_on_failover` (1 MiB) behind.
 */

export type PromotionPolicy = 'first-replica' | 'most-up-to-date';
export const PROMOTION_POLICIES: readonly PromotionPolicy[] = ['first-replica', 'most-up-to-date'];
/** Patroni's maximum_lag_on_failover default. */
export const MAX_LAG_BYTES_DEFAULT = 1024 * 1024;

export interface CandidateView {
  name: string;
  /** Up and reachable by the failover manager. */
  reachable: boolean;
  /** What it has received from the old primary (WAL it can replay before promotion). */
  receivedLsn: number;
  receivedIndex: number;
  /** A hidden synchronous standby (RDS Multi-AZ): the only node such a topology promotes. */
  standby?: boolean;
}

export interface CandidateChoice {
  candidate: string | undefined;
  reason: string;
  rejected: { name: string; why: string }[];
}

export function chooseCandidate(
  policy: PromotionPolicy,
  replicas: CandidateView[],
  primaryLsn: number,
  maxLagBytes = MAX_LAG_BYTES_DEFAULT,
  /**
   * Under synchronous replication, the last entry acknowledged to a client: only a node that
   * received it may be promoted (Patroni's synchronous_mode), or sync would lose writes.
   */
  mustHaveIndex?: number,
): CandidateChoice {
  const rejected: CandidateChoice['rejected'] = [];
  if (mustHaveIndex !== undefined) {
    replicas = replicas.filter((r) => {
      const ok = r.receivedIndex >= mustHaveIndex;
      if (!ok && r.reachable)
        rejected.push({
          name: r.name,
          why: `it lacks acknowledged synchronous commits (has ${r.receivedIndex} of ${mustHaveIndex})`,
        });
      return ok;
    });
  }
  const standby = replicas.find((r) => r.standby);
  if (standby) {
    if (standby.reachable)
      return { candidate: standby.name, reason: 'the synchronous standby is promoted (Multi-AZ)', rejected };
    return {
      candidate: undefined,
      reason: 'the standby is unreachable; read replicas are not promoted automatically',
      rejected,
    };
  }
  const reachable = replicas.filter((r) => {
    if (!r.reachable) rejected.push({ name: r.name, why: 'unreachable' });
    return r.reachable;
  });
  /** Why nobody can be promoted when no reachable replica is left (sync may have ruled out the reachable ones). */
  const none = () =>
    rejected.some((r) => r.why.startsWith('it lacks'))
      ? 'no reachable replica holds every acknowledged synchronous commit'
      : 'no reachable replica';
  if (policy === 'first-replica') {
    const first = reachable[0];
    return first
      ? { candidate: first.name, reason: `the seed's rule: always promote ${first.name}, however far behind`, rejected }
      : { candidate: undefined, reason: none(), rejected };
  }
  const eligible = reachable.filter((r) => {
    const lag = primaryLsn - r.receivedLsn;
    if (lag > maxLagBytes)
      rejected.push({ name: r.name, why: `${lag} bytes behind (maximum_lag_on_failover ${maxLagBytes})` });
    return lag <= maxLagBytes;
  });
  const best = eligible.reduce<CandidateView | undefined>(
    (b, r) => (!b || r.receivedIndex > b.receivedIndex ? r : b),
    undefined,
  );
  return best
    ? { candidate: best.name, reason: `most up-to-date: it received up to entry ${best.receivedIndex}`, rejected }
    : { candidate: undefined, reason: reachable.length > 0 ? 'no replica is within the lag limit' : none(), rejected };
}
