/**
 * The design document's capacity and cost arithmetic, recomputed: utilisation of the
 * primary and the read replicas, the "10x growth" what-if (how many shards and replicas),
 * availability and downtime a year from a failure rate and a failover time, and the
 * return on the replicas' cost. Pure functions of plain inputs; the defaults are the
 * document's numbers. Where the document's method leaves something out (a replica replays
 * every write it serves reads beside; a failure rate turns a failover time into
 * availability), the model here includes it, so the panel can put the corrected figure
 * beside the document's.
 */
import { availabilityFrom, downtimePerYearMs } from '../failover/availability.ts';

export interface CapacityInputs {
  /** What one node can do: the document's 10,000 writes/s or 10,000 reads/s. */
  nodeWritesPerSec: number;
  nodeReadsPerSec: number;
  /** Peak load reaching the database (reads after the cache's 80 % hit rate). */
  peakWritesPerSec: number;
  peakReadsPerSec: number;
  /** Read replicas today (the document's three). */
  replicas: number;
  /** RDS Multi-AZ: a hidden standby per primary that serves no reads but is paid for. */
  standby: boolean;
  /**
   * What replaying one write costs a replica, as a share of executing it on the primary.
   * Physical replication replays every write on every replica, so 1,400 writes/s take
   * that share of each replica's time away from reads. 1 = as much as the write itself
   * (the engine's own utilisation counts replayed transactions like client operations);
   * 0 = the document's implicit assumption that replay is free.
   */
  replayCost: number;
  /** Size to at most this share of a node (1 = the document's rule: up to 100 %). */
  targetUtilisation: number;
  /** The what-if's growth factor (the document's 10x). */
  growth: number;
  nodeCostPerMonth: number;
  downtimeCostPerHour: number;
  /** Availability before replication (the document's 99.5 %, one server). */
  availabilityBefore: number;
  /** How long a failure lasted before: the document's manual failover, 30 minutes. */
  manualFailoverMs: number;
  /** How long an automatic failover takes: the document's "30 seconds" (or this run's measurement). */
  failoverMs: number;
  /**
   * Primary failures a year. Undefined: implied by the document's own "before" (its 43.8 h
   * a year of downtime in 30-minute manual failovers is 87.6 failures a year).
   */
  failuresPerYear?: number;
  /** Nodes before replication (the document's Step 2: one database). */
  nodesBefore: number;
}

export const DOCUMENT_INPUTS: Readonly<CapacityInputs> = Object.freeze({
  nodeWritesPerSec: 10_000,
  nodeReadsPerSec: 10_000,
  peakWritesPerSec: 1_400,
  peakReadsPerSec: 9_600,
  replicas: 3,
  standby: true,
  replayCost: 1,
  targetUtilisation: 1,
  growth: 10,
  nodeCostPerMonth: 500,
  downtimeCostPerHour: 10_000,
  availabilityBefore: 0.995,
  manualFailoverMs: 30 * 60_000,
  failoverMs: 30_000,
  nodesBefore: 1,
});

/** AWS's documented failover time for an RDS Multi-AZ instance (REFERENCE.md): 60-120 s. */
export const RDS_MULTI_AZ_FAILOVER_MS = { min: 60_000, max: 120_000 } as const;

const HOUR_MS = 3_600_000;
/** ceil that forgives floating-point dust (32,000 / 5,333.33… is 6, not 6.000000001). */
const ceil = (x: number) => Math.ceil(x - 1e-9);

/**
 * Reads one replica can still serve while it replays `writesPerSec`: the share of its time
 * replay leaves, times its read rate, under the target utilisation. 0 when replay alone
 * fills it.
 */
export function replicaReadCapacity(inputs: CapacityInputs, writesPerSec: number): number {
  const replayShare = (writesPerSec * inputs.replayCost) / inputs.nodeWritesPerSec;
  return Math.max(0, (inputs.targetUtilisation - replayShare) * inputs.nodeReadsPerSec);
}

export interface Utilisation {
  writeCapacity: number;
  writeUtilisation: number;
  /** The document's read capacity: replicas x reads per node, replay ignored. */
  naiveReadCapacity: number;
  naiveReadUtilisation: number;
  /** Read capacity once each replica has replayed the primary's writes. */
  readCapacity: number;
  readUtilisation: number;
  /** Reads each replica serves when spread evenly. */
  readsPerReplica: number;
}

export function utilisation(inputs: CapacityInputs): Utilisation {
  const writeCapacity = inputs.nodeWritesPerSec;
  const naiveReadCapacity = inputs.replicas * inputs.nodeReadsPerSec;
  const readCapacity = inputs.replicas * replicaReadCapacity(inputs, inputs.peakWritesPerSec);
  return {
    writeCapacity,
    writeUtilisation: inputs.peakWritesPerSec / writeCapacity,
    naiveReadCapacity,
    naiveReadUtilisation: inputs.peakReadsPerSec / naiveReadCapacity,
    readCapacity,
    readUtilisation: readCapacity > 0 ? inputs.peakReadsPerSec / readCapacity : Number.POSITIVE_INFINITY,
    readsPerReplica: inputs.replicas > 0 ? inputs.peakReadsPerSec / inputs.replicas : Number.POSITIVE_INFINITY,
  };
}

/** A sharded layout: `shards` primaries, each with `replicasPerShard` read replicas (and a standby). */
export interface Layout {
  shards: number;
  replicasPerShard: number;
  replicas: number;
  /** Every node paid for: primaries, standbys, replicas. */
  nodes: number;
  costPerMonth: number;
  /** Writes each shard's primary takes, and its utilisation. */
  writesPerShard: number;
  writeUtilisation: number;
  /** Reads the layout can serve with replay counted, and its utilisation. */
  readCapacity: number;
  readUtilisation: number;
}

function layout(inputs: CapacityInputs, writes: number, reads: number, shards: number, replicas: number): Layout {
  const writesPerShard = writes / shards;
  const readCapacity = replicas * replicaReadCapacity(inputs, writesPerShard);
  const nodes = shards * (1 + (inputs.standby ? 1 : 0)) + replicas;
  return {
    shards,
    replicasPerShard: replicas / shards,
    replicas,
    nodes,
    costPerMonth: nodes * inputs.nodeCostPerMonth,
    writesPerShard,
    writeUtilisation: writesPerShard / inputs.nodeWritesPerSec,
    readCapacity,
    readUtilisation: readCapacity > 0 ? reads / readCapacity : Number.POSITIVE_INFINITY,
  };
}

export interface GrowthPlan {
  writesPerSec: number;
  readsPerSec: number;
  /** The document's method: shards = writes / 10,000, replicas = reads / 10,000, replay ignored. */
  documentMethod: Layout;
  /** The cheapest layout that serves the load with replay counted (fewest nodes; then fewest shards). */
  cheapest: Layout | undefined;
  /** The fewest shards the writes need, with the replicas that many shards then need. */
  fewestShards: Layout | undefined;
}

/** Shards beyond this are not searched: the lab's own sharding goes to 8, real fleets further. */
export const MAX_SHARDS_SEARCHED = 256;

/** How many shards and replicas `growth` times today's load needs. */
export function growthPlan(inputs: CapacityInputs): GrowthPlan {
  const writes = inputs.peakWritesPerSec * inputs.growth;
  const reads = inputs.peakReadsPerSec * inputs.growth;
  const docShards = Math.max(1, ceil(writes / inputs.nodeWritesPerSec));
  const docReplicas = ceil(reads / inputs.nodeReadsPerSec);
  const documentMethod = layout(inputs, writes, reads, docShards, docReplicas);
  const minShards = Math.max(1, ceil(writes / (inputs.nodeWritesPerSec * inputs.targetUtilisation)));
  let cheapest: Layout | undefined;
  let fewestShards: Layout | undefined;
  for (let shards = minShards; shards <= MAX_SHARDS_SEARCHED; shards++) {
    const perReplica = replicaReadCapacity(inputs, writes / shards);
    if (perReplica <= 0) continue;
    // Reads follow their shard's keys: each shard needs enough replicas for its own share.
    const perShard = reads > 0 ? Math.max(1, ceil(reads / shards / perReplica)) : 0;
    const candidate = layout(inputs, writes, reads, shards, perShard * shards);
    fewestShards ??= candidate;
    if (!cheapest || candidate.nodes < cheapest.nodes) cheapest = candidate;
  }
  return { writesPerSec: writes, readsPerSec: reads, documentMethod, cheapest, fewestShards };
}

export interface AvailabilityModel {
  /** Failures a year used (given, or implied by the "before" figures). */
  failuresPerYear: number;
  failuresImplied: boolean;
  downtimeBeforeMs: number;
  /** Downtime a year with automatic failover: failures x failover time. */
  downtimeAfterMs: number;
  availabilityAfter: number;
  /** The same with AWS's documented RDS Multi-AZ failover time (60-120 s). */
  rdsRange: { availabilityMin: number; availabilityMax: number; downtimeMinMs: number; downtimeMaxMs: number };
}

export function availabilityModel(inputs: CapacityInputs): AvailabilityModel {
  const downtimeBeforeMs = downtimePerYearMs(inputs.availabilityBefore);
  const implied = downtimeBeforeMs / inputs.manualFailoverMs;
  const failuresPerYear = inputs.failuresPerYear ?? implied;
  const downtimeAfterMs = failuresPerYear * inputs.failoverMs;
  return {
    failuresPerYear,
    failuresImplied: inputs.failuresPerYear === undefined,
    downtimeBeforeMs,
    downtimeAfterMs,
    availabilityAfter: availabilityFrom(inputs.failoverMs, failuresPerYear),
    rdsRange: {
      availabilityMin: availabilityFrom(RDS_MULTI_AZ_FAILOVER_MS.max, failuresPerYear),
      availabilityMax: availabilityFrom(RDS_MULTI_AZ_FAILOVER_MS.min, failuresPerYear),
      downtimeMinMs: failuresPerYear * RDS_MULTI_AZ_FAILOVER_MS.min,
      downtimeMaxMs: failuresPerYear * RDS_MULTI_AZ_FAILOVER_MS.max,
    },
  };
}

export interface Roi {
  nodesAfter: number;
  costPerMonth: number;
  extraCostPerYear: number;
  downtimeSavedHours: number;
  savingsPerYear: number;
  netPerYear: number;
}

/** The return on going from `nodesBefore` to a primary, its standby and the replicas, given downtime after. */
export function roi(inputs: CapacityInputs, downtimeAfterMs: number): Roi {
  const nodesAfter = 1 + (inputs.standby ? 1 : 0) + inputs.replicas;
  const extraCostPerYear = (nodesAfter - inputs.nodesBefore) * inputs.nodeCostPerMonth * 12;
  const downtimeSavedHours = (downtimePerYearMs(inputs.availabilityBefore) - downtimeAfterMs) / HOUR_MS;
  const savingsPerYear = downtimeSavedHours * inputs.downtimeCostPerHour;
  return {
    nodesAfter,
    costPerMonth: nodesAfter * inputs.nodeCostPerMonth,
    extraCostPerYear,
    downtimeSavedHours,
    savingsPerYear,
    netPerYear: savingsPerYear - extraCostPerYear,
  };
}
