import { describe, expect, it } from 'vitest';
import { DEFAULT_RYW, decideRead, pickReplica, type ReadContext, type ReplicaView } from './routing.ts';

const replicas: ReplicaView[] = [
  { name: 'replica-1', available: true, behindMs: 2000, replayLsn: 100 },
  { name: 'replica-2', available: true, behindMs: 50, replayLsn: 300 },
  { name: 'replica-3', available: true, behindMs: 400, replayLsn: 200 },
];

const ctx = (over: Partial<ReadContext> = {}): ReadContext => ({
  user: 1001,
  nowMs: 10_000,
  primary: 'primary',
  replicas,
  policy: 'round-robin',
  strategy: DEFAULT_RYW,
  session: {},
  rrIndex: 0,
  random: 0.5,
  ...over,
});

describe('read routing', () => {
  it('picks by policy: round robin by index, random by draw, least lag, sticky by user', () => {
    expect(pickReplica({ ...ctx(), rrIndex: 4 })).toEqual({ node: 'replica-2', advance: true });
    expect(pickReplica({ ...ctx(), policy: 'random', random: 0.9 }).node).toBe('replica-3');
    expect(pickReplica({ ...ctx(), policy: 'least-lag' }).node).toBe('replica-2');
    expect(pickReplica({ ...ctx(), policy: 'sticky', user: 1001 }).node).toBe(replicas[1001 % 3].name);
    expect(pickReplica({ ...ctx(), policy: 'sticky', user: 1002 }).node).toBe(replicas[1002 % 3].name);
  });

  it('sends a session that wrote to the primary only under primary-after-write, and within the window under time-window', () => {
    const wrote = { lastWriteAt: 9_000, lastWriteLsn: 250 };
    expect(decideRead(ctx({ session: wrote })).node).toBe('replica-1');
    expect(decideRead(ctx({ session: wrote, strategy: { ...DEFAULT_RYW, name: 'primary-after-write' } })).node).toBe(
      'primary',
    );
    const window = { ...DEFAULT_RYW, name: 'time-window' as const, windowMs: 2000 };
    expect(decideRead(ctx({ session: wrote, strategy: window })).node).toBe('primary');
    expect(decideRead(ctx({ session: wrote, strategy: window, nowMs: 11_000 })).node).toBe('replica-1');
    expect(decideRead(ctx({ session: {}, strategy: window })).node).toBe('replica-1');
  });

  it('waits on a replica that has not replayed the session’s last write (lsn-wait), and not on one that has', () => {
    const lsnWait = { ...DEFAULT_RYW, name: 'lsn-wait' as const, timeoutMs: 700 };
    const behind = decideRead(ctx({ strategy: lsnWait, session: { lastWriteAt: 1, lastWriteLsn: 250 } }));
    expect(behind).toMatchObject({ node: 'replica-1', waitForLsn: 250, timeoutMs: 700, fallback: 'primary' });
    const fresh = decideRead(ctx({ strategy: lsnWait, rrIndex: 1, session: { lastWriteAt: 1, lastWriteLsn: 250 } }));
    expect(fresh.node).toBe('replica-2');
    expect(fresh.waitForLsn).toBeUndefined();
  });

  it('skips replicas over the lag limit (lag-aware) and reads the primary when none is left', () => {
    const lagAware = { ...DEFAULT_RYW, name: 'lag-aware' as const, maxLagMs: 500 };
    expect(decideRead(ctx({ strategy: lagAware })).node).toBe('replica-2');
    expect(decideRead(ctx({ strategy: lagAware, rrIndex: 1 })).node).toBe('replica-3');
    expect(decideRead(ctx({ strategy: { ...lagAware, maxLagMs: 10 } })).node).toBe('primary');
  });

  it('never routes to a replica that is down while another is up', () => {
    const down = replicas.map((r, i) => ({ ...r, available: i === 2 }));
    for (let rr = 0; rr < 3; rr++) expect(decideRead(ctx({ replicas: down, rrIndex: rr })).node).toBe('replica-3');
  });
});
