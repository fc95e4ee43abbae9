/**
 * The preset scenarios shipped with Replica Lab, by file name. Each is an ordinary
 * scenario file: instructors can copy one as a starting point.
 */

import analyticsLag from './analytics-lag.json' with { type: 'json' };
import applyDelay from './apply-delay.json' with { type: 'json' };
import asyncFailover from './async-failover.json' with { type: 'json' };
import busyReplica from './busy-replica.json' with { type: 'json' };
import collidingIds from './colliding-ids.json' with { type: 'json' };
import disconnectedReplica from './disconnected-replica.json' with { type: 'json' };
import firstReplicaFailover from './first-replica-failover.json' with { type: 'json' };
import hotGeoShard from './hot-geo-shard.json' with { type: 'json' };
import liveReshard from './live-reshard.json' with { type: 'json' };
import modeLatency from './mode-latency.json' with { type: 'json' };
import rdsMultiAz from './rds-multi-az.json' with { type: 'json' };
import replicaCrash from './replica-crash.json' with { type: 'json' };
import reshardModulo from './reshard-modulo.json' with { type: 'json' };
import reshardRing from './reshard-ring.json' with { type: 'json' };
import rywCompare from './ryw-compare.json' with { type: 'json' };
import seedFailoverTimeline from './seed-failover-timeline.json' with { type: 'json' };
import seedTimeline from './seed-timeline.json' with { type: 'json' };
import semiSyncFailover from './semi-sync-failover.json' with { type: 'json' };
import sessionMap from './session-map.json' with { type: 'json' };
import splitBrain from './split-brain.json' with { type: 'json' };
import staleRead from './stale-read.json' with { type: 'json' };
import syncNoStandby from './sync-no-standby.json' with { type: 'json' };

export const PRESETS: Record<string, unknown> = {
  'stale-read': staleRead,
  'seed-timeline': seedTimeline,
  'apply-delay': applyDelay,
  'busy-replica': busyReplica,
  'disconnected-replica': disconnectedReplica,
  'replica-crash': replicaCrash,
  'ryw-compare': rywCompare,
  'session-map': sessionMap,
  'analytics-lag': analyticsLag,
  'mode-latency': modeLatency,
  'sync-no-standby': syncNoStandby,
  'async-failover': asyncFailover,
  'semi-sync-failover': semiSyncFailover,
  'seed-failover-timeline': seedFailoverTimeline,
  'first-replica-failover': firstReplicaFailover,
  'split-brain': splitBrain,
  'rds-multi-az': rdsMultiAz,
  // Sharding (issue 11).
  'reshard-modulo': reshardModulo,
  'reshard-ring': reshardRing,
  'hot-geo-shard': hotGeoShard,
  'colliding-ids': collidingIds,
  'live-reshard': liveReshard,
};
