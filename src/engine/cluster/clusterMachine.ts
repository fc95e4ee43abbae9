/**
 * The cluster's lifecycle as an xstate v5 machine: booting, then running with each node
 * up, down or recovering. Delays (a restarted node's recovery) run on the virtual clock
 * passed to createActor. Side effects are named actions that the engine provides with
 * `.provide()`; the machine itself touches no database. The failover issue adds its
 * phases as a region of `running` without changing what is here.
 */
import { assign, fromPromise, raise, setup } from 'xstate';

export type NodeStatus = 'up' | 'down' | 'recovering';
export type Role = 'primary' | 'replica';

export interface NodeLifecycle {
  role: Role;
  status: NodeStatus;
}

export interface ClusterMachineContext {
  nodes: Record<string, NodeLifecycle>;
  /** How long a restarted node takes to recover before it serves again. */
  restartMs: number;
  /** Why booting failed (the nodes' own error), once it has. */
  bootError?: unknown;
}

export type ClusterMachineEvent =
  | { type: 'KILL'; node: string }
  | { type: 'RESTART'; node: string }
  | { type: 'RECOVERED'; node: string }
  | { type: 'SET_RESTART_MS'; ms: number }
  | { type: 'SET_ROLE'; node: string; role: Role };

export interface ClusterMachineInput {
  nodes: Record<string, NodeLifecycle>;
  restartMs: number;
}

const setStatus = (nodes: Record<string, NodeLifecycle>, node: string, status: NodeStatus) => ({
  ...nodes,
  [node]: { ...nodes[node], status },
});

export const clusterMachine = setup({
  types: {
    context: {} as ClusterMachineContext,
    events: {} as ClusterMachineEvent,
    input: {} as ClusterMachineInput,
  },
  actors: {
    /** Boots every node's database; provided by the engine. */
    bootNodes: fromPromise<void>(async () => {
      throw new Error('bootNodes is provided by the engine');
    }),
  },
  actions: {
    /** Called after a node went down: stop its links, drop what was in flight. */
    nodeWentDown: (_, _params: { node: string }) => {},
    /** Called after a node is up again: reconnect and resume streaming. */
    nodeCameUp: (_, _params: { node: string }) => {},
  },
  guards: {
    isUp: ({ context }, params: { node: string }) => context.nodes[params.node]?.status === 'up',
    isDown: ({ context }, params: { node: string }) => context.nodes[params.node]?.status === 'down',
    isRecovering: ({ context }, params: { node: string }) => context.nodes[params.node]?.status === 'recovering',
  },
}).createMachine({
  id: 'cluster',
  context: ({ input }) => ({ nodes: input.nodes, restartMs: input.restartMs }),
  initial: 'booting',
  states: {
    booting: {
      invoke: {
        src: 'bootNodes',
        onDone: 'running',
        onError: { target: 'failed', actions: assign({ bootError: ({ event }) => event.error }) },
      },
    },
    failed: { type: 'final' },
    running: {
      on: {
        KILL: {
          guard: { type: 'isUp', params: ({ event }) => ({ node: event.node }) },
          actions: [
            assign({ nodes: ({ context, event }) => setStatus(context.nodes, event.node, 'down') }),
            { type: 'nodeWentDown', params: ({ event }) => ({ node: event.node }) },
          ],
        },
        RESTART: {
          guard: { type: 'isDown', params: ({ event }) => ({ node: event.node }) },
          actions: [
            assign({ nodes: ({ context, event }) => setStatus(context.nodes, event.node, 'recovering') }),
            // Crash recovery takes restartMs of engine time: xstate delays run on the clock.
            raise(({ event }) => ({ type: 'RECOVERED' as const, node: event.node }), {
              delay: ({ context }) => context.restartMs,
            }),
          ],
        },
        RECOVERED: {
          guard: { type: 'isRecovering', params: ({ event }) => ({ node: event.node }) },
          actions: [
            assign({ nodes: ({ context, event }) => setStatus(context.nodes, event.node, 'up') }),
            { type: 'nodeCameUp', params: ({ event }) => ({ node: event.node }) },
          ],
        },
        SET_RESTART_MS: { actions: assign({ restartMs: ({ event }) => event.ms }) },
        SET_ROLE: {
          actions: assign({
            nodes: ({ context, event }) => ({
              ...context.nodes,
              [event.node]: { ...context.nodes[event.node], role: event.role },
            }),
          }),
        },
      },
    },
  },
});
