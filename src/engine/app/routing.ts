/**
 * Read/write splitting as small pure decisions: which node serves a read, given the read
 * policy, the read-your-writes strategy, what the app server's session knows about the
 * user and how far behind each replica is. The facade carries the decision out; nothing
 * here touches a database or the clock.
 */

/** How a read picks among replicas (when no read-your-writes rule sends it elsewhere). */
export type ReadPolicy = 'round-robin' | 'random' | 'least-lag' | 'sticky';
export const READ_POLICIES: readonly ReadPolicy[] = ['round-robin', 'random', 'least-lag', 'sticky'];

export type RywStrategyName = 'none' | 'primary-after-write' | 'time-window' | 'optimistic' | 'lsn-wait' | 'lag-aware';
export const RYW_STRATEGIES: readonly RywStrategyName[] = [
  'none',
  'primary-after-write',
  'time-window',
  'optimistic',
  'lsn-wait',
  'lag-aware',
];

export interface RywStrategy {
  name: RywStrategyName;
  /** time-window: read from the primary for this long after the user's last write (seed: 5,000; Rails: 2,000). */
  windowMs: number;
  /** lsn-wait: give up waiting for the replica after this long and read from the primary. */
  timeoutMs: number;
  /** lag-aware: skip replicas more than this far behind (ProxySQL max_replication_lag, pgpool delay_threshold). */
  maxLagMs: number;
}

export const DEFAULT_RYW: RywStrategy = { name: 'none', windowMs: 5000, timeoutMs: 1000, maxLagMs: 1000 };

/** What an app server remembers of a user (the seed's `userSessions` Map entry). */
export interface Session {
  lastWriteAt?: number;
  lastWriteLsn?: number;
}

export interface ReplicaView {
  name: string;
  /** Up and serving reads. */
  available: boolean;
  /** Engine ms since the oldest transaction it has not replayed committed (0 when caught up). */
  behindMs: number;
  replayLsn: number;
}

export type ReadDecision =
  | { node: string; reason: string; waitForLsn?: undefined }
  | { node: string; reason: string; waitForLsn: number; timeoutMs: number; fallback: string };

export interface ReadContext {
  user: number;
  nowMs: number;
  primary: string;
  replicas: ReplicaView[];
  policy: ReadPolicy;
  strategy: RywStrategy;
  session: Session;
  /** Round-robin position of this app server (the seed's per-process replicaIndex). */
  rrIndex: number;
  /** A number in [0, 1) from the seeded PRNG, for the random policy. */
  random: number;
}

/** Picks a replica by policy alone; `advance` tells the caller to move its round-robin index. */
export function pickReplica(
  ctx: Pick<ReadContext, 'user' | 'replicas' | 'policy' | 'rrIndex' | 'random'>,
  candidates = ctx.replicas,
): { node: string | undefined; advance: boolean } {
  if (candidates.length === 0) return { node: undefined, advance: false };
  switch (ctx.policy) {
    case 'round-robin':
      return { node: candidates[ctx.rrIndex % candidates.length].name, advance: true };
    case 'random':
      return { node: candidates[Math.floor(ctx.random * candidates.length)].name, advance: false };
    case 'least-lag':
      return {
        node: candidates.reduce((best, r) => (r.behindMs < best.behindMs ? r : best)).name,
        advance: false,
      };
    case 'sticky':
      // Pin each user to one replica by id: the same on every app server, so no session is needed.
      return { node: candidates[ctx.user % candidates.length].name, advance: false };
  }
}

/** The whole read decision: read-your-writes rule first, then the read policy. */
export function decideRead(ctx: ReadContext): ReadDecision & { advance: boolean } {
  const { strategy, session, nowMs, primary } = ctx;
  const wrote = session.lastWriteAt !== undefined;
  if (strategy.name === 'primary-after-write' && wrote) {
    return { node: primary, reason: 'this session has written: read from the primary', advance: false };
  }
  if (strategy.name === 'time-window' && wrote && nowMs - (session.lastWriteAt ?? 0) < strategy.windowMs) {
    return {
      node: primary,
      reason: `wrote ${Math.round(nowMs - (session.lastWriteAt ?? 0))} ms ago, within the ${strategy.windowMs} ms window: read from the primary`,
      advance: false,
    };
  }
  let candidates = ctx.replicas.filter((r) => r.available);
  if (strategy.name === 'lag-aware') {
    candidates = candidates.filter((r) => r.behindMs <= strategy.maxLagMs);
    if (candidates.length === 0) {
      return {
        node: primary,
        reason: `every replica is over ${strategy.maxLagMs} ms behind: read from the primary`,
        advance: false,
      };
    }
  }
  const pick = pickReplica(ctx, candidates.length > 0 ? candidates : ctx.replicas);
  if (!pick.node) return { node: primary, reason: 'no replica: read from the primary', advance: false };
  if (strategy.name === 'lsn-wait' && session.lastWriteLsn !== undefined) {
    const replica = ctx.replicas.find((r) => r.name === pick.node);
    if (replica && replica.replayLsn < session.lastWriteLsn) {
      return {
        node: pick.node,
        reason: `wait until ${pick.node} has replayed this session's last write`,
        waitForLsn: session.lastWriteLsn,
        timeoutMs: strategy.timeoutMs,
        fallback: primary,
        advance: pick.advance,
      };
    }
  }
  return { node: pick.node, reason: `${ctx.policy} read`, advance: pick.advance };
}
