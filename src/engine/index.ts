/**
 * The engine's public API: the only module outside src/engine may import (the
 * architecture test in tests/architecture.test.ts fails the build otherwise). It offers the
 * cluster facade and the commands it takes, the snapshot and history types the page and
 * the scenario runner read, the clock driver, the checker and the pure helpers views use
 * (LSN formatting, availability maths), and what a platform needs to host a node.
 */

// The app tier's vocabulary.
export type { DataKind, SessionStore } from './app/appTier.ts';
export type { LoadOptions } from './app/loadGenerator.ts';
export type { BrowseArgs, PlaceOrderArgs, ReadOrdersArgs, ReadOutcome, WriteOutcome } from './app/operations.ts';
export {
  READ_POLICIES,
  type ReadPolicy,
  RYW_STRATEGIES,
  type RywStrategy,
  type RywStrategyName,
} from './app/routing.ts';
// Capacity and cost: the design document's arithmetic recomputed (pure).
export {
  type AvailabilityModel,
  availabilityModel,
  type CapacityInputs,
  DOCUMENT_INPUTS,
  type GrowthPlan,
  growthPlan,
  type Layout,
  RDS_MULTI_AZ_FAILOVER_MS,
  type Roi,
  replicaReadCapacity,
  roi,
  type Utilisation,
  utilisation,
} from './capacity/capacity.ts';
export {
  DOCUMENT_FAILOVER_TIMES_S,
  DOCUMENT_READ_ROUTING,
  type DocumentClaim,
  documentClaims,
  type Figure,
  type FigureUnit,
  formatFigure,
  type Verdict,
} from './capacity/documentClaims.ts';
export { type MeasuredRates, meanFailoverDowntimeMs, measuredRates } from './capacity/measured.ts';
// The checker: verdicts, downtime and the failover story, computed from the history only.
export {
  type AckedWrite,
  ANOMALIES,
  type Anomaly,
  classifyReads,
  ReadClassifier,
  type ReadVerdict,
} from './checker/consistency.ts';
export { type FailoverDowntime, failoverDowntimes } from './checker/downtime.ts';
export {
  EMPTY_STORY,
  type FailoverPhase,
  type FailoverStory,
  type LostOrder,
  type Rewind,
  type StoryNotice,
} from './checker/failoverStory.ts';
export {
  checkInvariants,
  INVARIANTS,
  type InvariantName,
  type InvariantReport,
  type RunFacts,
} from './checker/invariants.ts';
export { CHECKED_EVENT_TYPES, type EntryRef, Lineage } from './checker/lineage.ts';
// The facade, its snapshot and its commands.
export {
  Cluster,
  CONNECTION_REFUSED,
  EPOCH_MS,
  type FailoverRecord,
  type NodeFactory,
  OPTIMISTIC_MESSAGE,
  placeOrderRow,
  SEQUENCE_AFTER_PROMOTION_SQL,
} from './cluster/cluster.ts';
export type { NodeLifecycle, NodeStatus, Role } from './cluster/clusterMachine.ts';
// The command language: one definition serves scenario steps, the journal, the page and the CLI.
export type { JournalEntry } from './cluster/journal.ts';
export {
  CURRENT_PRIMARY,
  defaultReplicaSettings,
  MAX_LAG_MS,
  MAX_REPLICAS,
  MAX_USERS,
  PRIMARY,
  replicaName,
  resolveSettings,
  SEED_FAILOVER_TIMELINE,
  type SettingsInput,
  SNAPSHOT_USERS,
  STANDBY,
  unknownUser,
} from './cluster/settings.ts';
export type { ClusterSnapshot, HistoryWindow, NodeSnapshot } from './cluster/snapshot.ts';
export { type CommandOutcomes, modeCommand, modeOf as replicationModeOf, type OutcomeOf } from './commands/handlers.ts';
export {
  CATEGORIES,
  COMMAND_NAMES,
  COMMANDS,
  type Command,
  type CommandName,
  type CommandOf,
  DATA_KINDS,
  MODE_NAMES,
  SESSION_STORES,
} from './commands/schema.ts';
export {
  CommandError,
  issueText,
  parseCommand,
  settingsProblems,
  shown,
  unknownActionText,
} from './commands/validate.ts';
export { CONSOLE_MAX_ROWS, CONSOLE_MAX_TIMEOUT_S, CONSOLE_TIMEOUT_S } from './db/consolePolicy.ts';
// Databases: what a platform (Node in-process, a browser worker) needs to host a node.
export { formatLsn, parseLsn } from './db/lsn.ts';
export { NodeCore } from './db/nodeCore.ts';
export {
  CAPTURE_SQL,
  NODE_FUNCTIONS_SQL,
  NODE_POSTGRESQL_CONF,
  SHOP_SCHEMA_SQL,
  sampleRowsSql,
} from './db/schema.ts';
export {
  type CapturedTxn,
  type ConsoleLimits,
  type ConsoleResult,
  type NodeHandle,
  type NodeRole,
  type QueryResult,
  SqlError,
  type SqlErrorInfo,
  type SqlValue,
  toSqlErrorInfo,
  type WalRecord,
  type WriteResult,
} from './db/types.ts';
// Failover.
export { availabilityFrom, downtimePerYearMs, formatDuration } from './failover/availability.ts';
export { PROMOTION_POLICIES, type PromotionPolicy } from './failover/candidate.ts';
export {
  FAILOVER_PHASES,
  type FailoverFailure,
  type FailoverPhaseName,
  type FailoverTimings,
  type HealthCheckSettings,
} from './failover/failoverMachine.ts';
// Replication.
export { describeMode } from './replication/commitAcks.ts';
export {
  formatStandbyNames,
  parseStandbyNames,
  type ReplicationMode,
  SEMI_SYNC_TIMEOUT_MS,
  SYNC_LEVELS,
  type SyncLevel,
} from './replication/modes.ts';
export type { LogEntry } from './replication/primaryLog.ts';
export type { Shipment } from './replication/replicaStream.ts';
export { type ReplicationStatus, type SyncState, syncStates } from './replication/status.ts';
// Sharding: strategies, the key probe, resharding's phases (sharding/).
export { type ShardingFacts, shardingFacts } from './sharding/facts.ts';
export {
  DEFAULT_LOGICAL_SHARDS,
  ID_MODES,
  type IdMode,
  MAX_LOGICAL_SHARDS,
  MAX_SHARDS,
  MAX_VNODES,
  MIN_SHARDS,
  type PlacementSnapshot,
  type ProbeOutcome,
  REGIONS,
  RESHARD_PHASES,
  type Region,
  type ReshardPhase,
  type ReshardPhaseRecord,
  SCATTER_QUERIES,
  type ScatterOutcome,
  type ScatterQueryName,
  SHARDING_STRATEGIES,
  type ShardingSnapshot,
  type ShardingStrategy,
  type ShardMoveSnapshot,
  type ShardSnapshot,
} from './sharding/types.ts';
// Time: the virtual clock and the real-time driver the page plays it with.
export type { VirtualClock } from './sim/clock.ts';
export { ClockDriver, type DriverState, SPEEDS } from './sim/clockDriver.ts';
export { type EventOf, History, type HistoryEvent, type Recorded } from './sim/history.ts';
