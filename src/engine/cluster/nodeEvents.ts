/**
 * What the cluster does when the nodes' lifecycle machine reports a node down or back up:
 * the links it fed or received on lose what was in flight, waiting commits are rechecked
 * (or fail, when the primary died), and a node that comes back resumes replaying, or
 * rejoins as a replica if it was fenced at a promotion.
 */
import type { FailoverOrchestrator } from '../failover/orchestrator.ts';
import type { CommitAcks } from '../replication/commitAcks.ts';
import type { VirtualClock } from '../sim/clock.ts';
import type { History } from '../sim/history.ts';
import type { ReplicationState } from './replicationState.ts';

export interface NodeEventsContext {
  clock: VirtualClock;
  history: History;
  acks: CommitAcks;
  repl: ReplicationState;
  failover: FailoverOrchestrator;
}

export function nodeWentDown({ clock, history, acks, repl, failover }: NodeEventsContext, node: string): void {
  history.record({ type: 'node.down', node });
  clock.schedule(0, () => acks.recheck());
  if (node === failover.leader) {
    for (const s of repl.streams.values()) s.dropInFlight(`${node} went down`);
    acks.abortAll('server closed the connection unexpectedly');
  } else {
    acks.abortOrphaned(node, 'server closed the connection unexpectedly');
    const s = repl.streams.get(node);
    s?.dropInFlight(`${node} went down`);
    s?.stop();
  }
}

export function nodeCameUp({ clock, history, repl, failover }: NodeEventsContext, node: string): void {
  history.record({ type: 'node.up', node });
  // xstate publishes the new status after this action; resume streaming just after it.
  clock.schedule(0, () => {
    // A fenced old primary comes back only as a replica, after pg_rewind.
    if (failover.fenced.has(node)) void clock.track(failover.rejoin(node));
    repl.streams.get(node)?.scheduleApply();
    repl.shipAll();
  });
}
