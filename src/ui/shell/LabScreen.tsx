/**
 * The lab's screen in free play and in a lesson (issue 10, "The page"): at 1280x720 the
 * first screen holds the clock (header), the narration line, the topology and, beside it,
 * the client panel (free play) or the lesson; the other panels open on demand as tabs
 * under the topology (the timeline first), so what a step talks about is one click away
 * and never below a six-screen scroll. Under 900 px everything stacks in one column.
 */
import type { ReactNode } from 'react';
import { useLab } from '../../page/store.ts';
import { CapacityPanel } from '../capacity/CapacityPanel.tsx';
import { ClientPanel } from '../client/ClientPanel.tsx';
import { ReadsPanel } from '../client/ReadsPanel.tsx';
import { SqlConsole } from '../console/SqlConsole.tsx';
import { AvailabilityPanel } from '../failover/AvailabilityPanel.tsx';
import { FailoverStatus } from '../failover/FailoverStatus.tsx';
import { LoadPanel } from '../load/LoadPanel.tsx';
import { ActivityLog } from '../log/ActivityLog.tsx';
import { LogPanel } from '../log/LogPanel.tsx';
import { Narration } from '../narration/Narration.tsx';
import { NodeTable } from '../nodes/NodeTable.tsx';
import { StatReplication } from '../nodes/StatReplication.tsx';
import { ReplicationPanel } from '../replication/ReplicationPanel.tsx';
import { RoutingPanel } from '../routing/RoutingPanel.tsx';
import { ScenarioPanel, ScenarioStrip } from '../scenarios/ScenarioPanel.tsx';
import { ShardsPanel } from '../shards/ShardsPanel.tsx';
import { Timeline } from '../timeline/Timeline.tsx';
import { Topology } from '../topology/Topology.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { LAB_TABS, type TabSpec, Tabs } from './Tabs.tsx';

/** The tabs' ids, so a lesson step can open one (openTab(LAB_TABS, id)). */
export type LabTab =
  | 'client'
  | 'timeline'
  | 'nodes'
  | 'failover'
  | 'replication'
  | 'routing'
  | 'reads'
  | 'log'
  | 'console'
  | 'scenarios'
  | 'shards'
  | 'capacity'
  | 'activity'
  | 'export';

/** The panels behind the tabs; the client is a tab only in a lesson (in free play it sits beside the topology). */
function labTabs(withClient: boolean, generation: number): TabSpec[] {
  const tabs: (TabSpec & { id: LabTab })[] = [
    // A new cluster (reset, step back) has a new history: the timeline starts over with it.
    { id: 'timeline', label: 'Timeline', content: <Timeline key={generation} /> },
    {
      id: 'nodes',
      label: 'Nodes',
      content: (
        <>
          <NodeTable />
          <StatReplication />
        </>
      ),
    },
    {
      id: 'failover',
      label: 'Failover',
      content: (
        <>
          <FailoverStatus />
          <AvailabilityPanel />
        </>
      ),
    },
    { id: 'replication', label: 'Replication', content: <ReplicationPanel /> },
    {
      id: 'routing',
      label: 'Routing & load',
      content: (
        <>
          <RoutingPanel />
          <LoadPanel />
        </>
      ),
    },
    { id: 'reads', label: 'Reads', content: <ReadsPanel /> },
    { id: 'log', label: 'Replication log', content: <LogPanel /> },
    { id: 'console', label: 'SQL console', content: <SqlConsole /> },
    { id: 'scenarios', label: 'Scenarios', content: <ScenarioPanel /> },
    { id: 'shards', label: 'Sharding', content: <ShardsPanel /> },
    { id: 'capacity', label: 'Capacity & cost', content: <CapacityPanel /> },
    { id: 'activity', label: 'Activity', content: <ActivityLog /> },
    { id: 'export', label: 'Run & export', content: <ExportPanel /> },
  ];
  return withClient ? [{ id: 'client', label: 'Client', content: <ClientPanel /> }, ...tabs] : tabs;
}

/** The lab: `side` is the lesson in a lesson, the client panel in free play. */
export function LabScreen({ side, lesson }: { side?: ReactNode; lesson: boolean }) {
  const generation = useLab((s) => s.generation);
  return (
    <div className="lab-screen">
      <div className="lab-top">
        <ScenarioStrip />
        <Narration />
        <Topology />
      </div>
      <div className="lab-side">{side ?? <ClientPanel />}</div>
      <div className="lab-tabs">
        <Tabs name={LAB_TABS} label="Panels" tabs={labTabs(lesson, generation)} />
      </div>
    </div>
  );
}
