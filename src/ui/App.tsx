/**
 * The app shell: header with the clock and the run's controls, then (once the cluster
 * runs) the lesson's working set first: the narration, the topology, the client (place an
 * order, read it back) and the timeline; then the failover strip, scenarios, the nodes,
 * the app tier's routing and load generator, replication and failover settings with the
 * availability calculator, the checked reads, the logs, the SQL console and the activity
 * log. "Booting cluster…" before, the boot error if it failed.
 */

import { useLab } from '../page/store.ts';
import { ClientPanel } from './client/ClientPanel.tsx';
import { ReadsPanel } from './client/ReadsPanel.tsx';
import { ClockControls } from './clock/ClockControls.tsx';
import { RunControls } from './clock/RunControls.tsx';
import { useClockShortcuts } from './clock/useClockShortcuts.ts';
import { SqlConsole } from './console/SqlConsole.tsx';
import { AvailabilityPanel } from './failover/AvailabilityPanel.tsx';
import { FailoverStatus } from './failover/FailoverStatus.tsx';
import { LoadPanel } from './load/LoadPanel.tsx';
import { ActivityLog } from './log/ActivityLog.tsx';
import { LogPanel } from './log/LogPanel.tsx';
import { Narration } from './narration/Narration.tsx';
import { NodeTable } from './nodes/NodeTable.tsx';
import { StatReplication } from './nodes/StatReplication.tsx';
import { ReplicationPanel } from './replication/ReplicationPanel.tsx';
import { RoutingPanel } from './routing/RoutingPanel.tsx';
import { ScenarioPanel, ScenarioStrip } from './scenarios/ScenarioPanel.tsx';
import { Timeline } from './timeline/Timeline.tsx';
import { Topology } from './topology/Topology.tsx';

export function App() {
  const phase = useLab((s) => s.phase);
  const generation = useLab((s) => s.generation);
  useClockShortcuts(phase === 'running');
  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>Replica Lab</h1>
          <p className="muted">
            One primary, three read replicas: real PostgreSQL (PGlite) nodes in your browser, behind three app servers.
          </p>
        </div>
        {phase === 'running' && <ClockControls />}
        {phase === 'running' && <RunControls />}
      </header>
      <main>
        {phase === 'booting' && <Booting />}
        {phase === 'failed' && <BootFailed />}
        {phase === 'running' && (
          <>
            <Narration />
            <ScenarioStrip />
            <Topology />
            <ClientPanel />
            {/* A new cluster (reset, step back) has a new history: the timeline starts over with it. */}
            <Timeline key={generation} />
            <FailoverStatus />
            <ScenarioPanel />
            <NodeTable />
            <div className="app-tier">
              <RoutingPanel />
              <LoadPanel />
            </div>
            <div className="app-tier">
              <ReplicationPanel />
              <AvailabilityPanel />
            </div>
            <ReadsPanel />
            <LogPanel />
            <StatReplication />
            <SqlConsole />
            <ActivityLog />
            <BootTime />
          </>
        )}
      </main>
    </div>
  );
}

function Booting() {
  return (
    <div className="app-booting" role="status" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      <div>
        <p className="app-booting-title">Booting cluster…</p>
        <p className="muted">Starting a primary and three replicas, each PostgreSQL in its own Web Worker.</p>
      </div>
    </div>
  );
}

function BootFailed() {
  const error = useLab((s) => s.bootError);
  return (
    <div className="panel app-boot-failed" role="alert">
      <h2>The cluster failed to boot</h2>
      <p>
        <code>{error}</code>
      </p>
      <button type="button" onClick={() => window.location.reload()}>
        Reload the page
      </button>
    </div>
  );
}

function BootTime() {
  const readyAtMs = useLab((s) => s.readyAtMs);
  const nodes = useLab((s) => s.snapshot?.nodes.length ?? 0);
  if (readyAtMs === undefined) return null;
  return (
    <p className="muted app-footnote">
      {nodes} nodes ready <span data-testid="boot-time">{(readyAtMs / 1000).toFixed(1)} s</span> after the page started
      loading.
    </p>
  );
}
