/**
 * The lesson library: the JSON files in this folder, validated once at import, in the
 * design document's order (the landing screen lists them so).
 */
import { parseLesson } from '../schema.ts';
import type { Lesson } from '../types.ts';
import analyticsReplica from './analytics-replica.json' with { type: 'json' };
import consistentHashing from './consistent-hashing.json' with { type: 'json' };
import failoverLostOrders from './failover-lost-orders.json' with { type: 'json' };
import promoteReplica1 from './promote-replica-1.json' with { type: 'json' };
import rdsMultiAz from './rds-multi-az.json' with { type: 'json' };
import replicationLog from './replication-log.json' with { type: 'json' };
import replicationModes from './replication-modes.json' with { type: 'json' };
import roundRobin from './round-robin.json' with { type: 'json' };
import rywFixes from './ryw-fixes.json' with { type: 'json' };
import sessionMap from './session-map.json' with { type: 'json' };
import shardByUser from './shard-by-user.json' with { type: 'json' };
import shardDown from './shard-down.json' with { type: 'json' };
import shardIds from './shard-ids.json' with { type: 'json' };
import splitBrain from './split-brain.json' with { type: 'json' };
import staleRead from './stale-read.json' with { type: 'json' };

/** The library's lessons, in the order the landing screen lists them. */
export const LESSONS: readonly Lesson[] = [
  replicationLog,
  staleRead,
  rywFixes,
  sessionMap,
  roundRobin,
  analyticsReplica,
  replicationModes,
  failoverLostOrders,
  promoteReplica1,
  splitBrain,
  rdsMultiAz,
  shardByUser,
  consistentHashing,
  shardIds,
  shardDown,
].map((raw) => parseLesson(raw));

/** The library's lessons as the landing screen lists them (the same objects as LESSONS). */
export const LESSON_LIST = LESSONS;

/** A library lesson by its id. */
export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
