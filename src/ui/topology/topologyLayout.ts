/**
 * The topology diagram's geometry, pure: where the clients, the load balancer, the app
 * servers, the primary and the replicas go for a given width, the link paths between them
 * (d3-shape builds the path strings, React draws them), and where each shipped transaction
 * sits on its link at an engine time. Knows nothing of React, the DOM or the store.
 */
import { curveBasis, line, linkHorizontal } from 'd3';
import type { Shipment } from '../../engine/index.ts';

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  name: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A primary-to-replica link: a horizontal cubic Bezier from `from` to `to`. */
export interface ReplicationLink {
  replica: string;
  from: Point;
  to: Point;
  d: string;
  /** Where the link's label ends (right-aligned, above the link, just before the replica's box). */
  label: Point;
}

export interface TopologyLayout {
  /** The drawing's own coordinates; the SVG scales it to the page with its viewBox. */
  width: number;
  height: number;
  clients: Box;
  lb: Box;
  apps: Box[];
  /** The middle column: the node replicas follow. */
  primary: Box;
  /** The right column: every other node, in order. */
  others: Box[];
  /** Frame around the nodes that serve reads. */
  readGroup: { x: number; y: number; w: number; h: number } | undefined;
  paths: {
    clientsToLb: string;
    lbToApps: { app: string; d: string }[];
    /** App server to the node clients' writes go to (the endpoint). */
    writes: { app: string; d: string }[];
    /** App servers into the read lane under the primary, then the lane out to each reader. */
    readTrunks: { app: string; d: string }[];
    readBranches: { node: string; d: string }[];
    replication: ReplicationLink[];
  };
  /** Where the failover manager's words go: under the primary. */
  failoverLabel: Point;
  /** The read lane's label. */
  readLabel: Point;
  /** Where the write path's label ends (right-aligned), above the app tier, clear of the endpoint's tag. */
  writeLabel: Point;
}

export interface LayoutInput {
  /** Available width in CSS pixels; below MIN_LAYOUT_WIDTH the drawing is scaled down instead. */
  width: number;
  appServers: readonly string[];
  primary: string;
  /** Every node but the primary, in the order they should be stacked. */
  others: readonly string[];
  /** Of `others`, the ones that serve reads (not the hidden standby). */
  readers: readonly string[];
  /** The node clients' writes go to; usually the primary, another node mid-failover. */
  endpoint: string;
}

/** Narrower than this the boxes would overlap: lay out at this width and let the SVG scale. */
export const MIN_LAYOUT_WIDTH = 960;
export const NODE_H = 76;
const PAD = 12;
const ROW_GAP = 12;
const GROUP_TOP = 22;
const SMALL_W = 84;
const SMALL_H = 40;
const COLUMN_GAP = 34;
/**
 * Room between the primary and the right column for a link's label ("10,000 ms ·
 * disconnected" is 142 px at 11 px in Chromium's sans), the gap before the box and the
 * endpoint's halo: on a narrow drawing the primary moves left to keep it.
 */
export const LINK_LABEL_ROOM = 170;
/** A link label's right end is this far left of the replica's box (the read group's frame is 8 px out). */
const LINK_LABEL_GAP = 14;

const horizontal = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();
const smooth = line<Point>()
  .x((p) => p.x)
  .y((p) => p.y)
  .curve(curveBasis);

function link(from: Point, to: Point): string {
  return horizontal({ source: [from.x, from.y], target: [to.x, to.y] }) ?? '';
}

function right(b: Box, dy = 0): Point {
  return { x: b.x + b.w, y: b.y + b.h / 2 + dy };
}

function left(b: Box, dy = 0): Point {
  return { x: b.x, y: b.y + b.h / 2 + dy };
}

/** `count` boxes of height `h` stacked with `gap` between them, centred on `cy`. */
function stack(names: readonly string[], x: number, w: number, h: number, gap: number, cy: number): Box[] {
  const total = names.length * h + Math.max(0, names.length - 1) * gap;
  return names.map((name, i) => ({ name, x, y: cy - total / 2 + i * (h + gap), w, h }));
}

export function layoutTopology(input: LayoutInput): TopologyLayout {
  const width = Math.max(MIN_LAYOUT_WIDTH, Math.round(input.width));
  const nodeW = Math.round(Math.min(236, Math.max(190, width * 0.19)));
  const rows = Math.max(3, input.others.length);
  const columnTop = PAD + GROUP_TOP;
  const columnH = rows * NODE_H + (rows - 1) * ROW_GAP;
  const height = columnTop + columnH + PAD + 10;
  const cy = columnTop + columnH / 2;

  const clients: Box = { name: 'clients', x: PAD, y: cy - SMALL_H / 2, w: SMALL_W, h: SMALL_H };
  const lb: Box = { name: 'load balancer', x: PAD + SMALL_W + COLUMN_GAP, y: cy - SMALL_H / 2, w: 112, h: SMALL_H };
  const appsX = lb.x + lb.w + COLUMN_GAP;
  const apps = stack(input.appServers, appsX, SMALL_W, 34, 16, cy);
  const rightX = width - PAD - nodeW;
  const appsRight = appsX + SMALL_W;
  // The primary sits a little left of centre: the replication links, where the dots travel, get more room.
  const primaryCx = Math.min(appsRight + (rightX - appsRight) * 0.44, rightX - LINK_LABEL_ROOM - nodeW / 2);
  const primary: Box = { name: input.primary, x: primaryCx - nodeW / 2, y: cy - NODE_H / 2 - 28, w: nodeW, h: NODE_H };
  const others = input.others.map((name, i) => ({
    name,
    x: rightX,
    y: columnTop + i * (NODE_H + ROW_GAP),
    w: nodeW,
    h: NODE_H,
  }));
  const byName = new Map([primary, ...others].map((b) => [b.name, b]));
  const readerBoxes = others.filter((b) => input.readers.includes(b.name));
  const readGroup =
    readerBoxes.length > 0
      ? {
          x: rightX - 8,
          y: readerBoxes[0].y - GROUP_TOP + 4,
          w: nodeW + 16,
          h: readerBoxes.at(-1)!.y + NODE_H - readerBoxes[0].y + GROUP_TOP,
        }
      : undefined;

  const endpoint = byName.get(input.endpoint) ?? primary;
  const laneY = primary.y + primary.h + 56;
  const laneStart = { x: primary.x - 14, y: laneY };
  const laneEnd = { x: primary.x + primary.w + 14, y: laneY };
  const spread = (i: number, n: number) => (n <= 1 ? 0 : (i - (n - 1) / 2) * (28 / (n - 1)));

  return {
    width,
    height,
    clients,
    lb,
    apps,
    primary,
    others,
    readGroup,
    paths: {
      clientsToLb: link(right(clients), left(lb)),
      lbToApps: apps.map((a) => ({ app: a.name, d: link(right(lb), left(a)) })),
      writes: apps.map((a, i) => ({ app: a.name, d: link(right(a, -5), left(endpoint, spread(i, apps.length) - 10)) })),
      readTrunks: apps.map((a) => ({
        app: a.name,
        d:
          smooth([
            right(a, 5),
            { x: appsRight + 30, y: right(a, 5).y },
            { x: laneStart.x - 20, y: laneY },
            laneStart,
            laneEnd,
          ]) ?? '',
      })),
      readBranches: readerBoxes.map((b) => {
        const end = left(b, 18);
        return {
          node: b.name,
          d: smooth([laneEnd, { x: laneEnd.x + 30, y: laneY }, { x: end.x - 34, y: end.y }, end]) ?? '',
        };
      }),
      replication: others.map((b, i) => {
        const from = right(primary, spread(i, others.length) - 8);
        const to = left(b, -10);
        return {
          replica: b.name,
          from,
          to,
          d: link(from, to),
          // At the replica's end, where the links run level and a row apart: labels never meet.
          label: { x: to.x - LINK_LABEL_GAP, y: to.y - 7 },
        };
      }),
    },
    failoverLabel: { x: primary.x + primary.w / 2, y: primary.y + primary.h + 20 },
    readLabel: { x: (laneStart.x + laneEnd.x) / 2, y: laneY - 7 },
    writeLabel: { x: primary.x - 10, y: (apps[0]?.y ?? primary.y) - 8 },
  };
}

/** The point at parameter `t` (0..1) of a replication link, on the same Bezier `linkHorizontal` draws. */
export function pointOnLink(l: Pick<ReplicationLink, 'from' | 'to'>, t: number): Point {
  const mx = (l.from.x + l.to.x) / 2;
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return {
    x: a * l.from.x + b * mx + c * mx + d * l.to.x,
    y: a * l.from.y + b * l.from.y + c * l.to.y + d * l.to.y,
  };
}

/** How far along its link a shipment is at `nowMs`: 0 just sent, 1 arrived. Engine time only. */
export function shipmentProgress(s: Pick<Shipment, 'sentAt' | 'arriveAt'>, nowMs: number): number {
  if (s.arriveAt <= s.sentAt) return 1;
  return Math.min(1, Math.max(0, (nowMs - s.sentAt) / (s.arriveAt - s.sentAt)));
}

/** More dots than this on one link are drawn as one bundle with a count. */
export const BUNDLE_OVER = 30;
/** Queued transactions drawn one square each; the rest are counted. */
export const QUEUE_SHOWN = 8;

export interface Dot {
  replica: string;
  entry: number;
  /** Rounded to 2 decimals, as the page reports it. */
  progress: number;
  at: Point;
  orderIds: number[];
  lsn: number;
}

/** A received transaction waiting to be replayed, drawn as a square at the replica end. */
export interface QueuedMark {
  entry: number;
  at: Point;
  orderIds: number[];
  lsn: number;
}

export interface LinkTraffic {
  replica: string;
  /** One dot per transaction in flight, unless bundled. */
  dots: Dot[];
  /** Set instead of `dots` when more than BUNDLE_OVER are in flight. */
  bundle?: { count: number; at: Point; progress: number };
  /** Received, waiting to be replayed: squares stacked at the replica end. */
  queued: QueuedMark[];
  queuedCount: number;
}

/**
 * Where every shipment is drawn at `nowMs`, per replication link (shipments of unknown links
 * are dropped). `queuedTotals` gives each replica's whole queue when `shipments` carries only its
 * oldest (as a snapshot does); otherwise the queue is counted from `shipments`.
 */
export function placeShipments(
  links: readonly ReplicationLink[],
  shipments: readonly Shipment[],
  nowMs: number,
  queuedTotals?: ReadonlyMap<string, number>,
): LinkTraffic[] {
  return links.map((l) => {
    const mine = shipments.filter((s) => s.replica === l.replica);
    const flying = mine.filter((s) => s.stage === 'in-flight');
    const queued = mine.filter((s) => s.stage === 'queued').sort((a, b) => a.entry - b.entry);
    const dots = flying.map((s) => {
      const t = shipmentProgress(s, nowMs);
      return {
        replica: l.replica,
        entry: s.entry,
        progress: round2(t),
        at: pointOnLink(l, t),
        orderIds: s.orderIds,
        lsn: s.lsn,
      };
    });
    const traffic: LinkTraffic = {
      replica: l.replica,
      dots,
      queuedCount: Math.max(queued.length, queuedTotals?.get(l.replica) ?? 0),
      // The oldest waits nearest the replica; the queue grows back along the link.
      queued: queued.slice(0, QUEUE_SHOWN).map((s, i) => ({
        entry: s.entry,
        at: { x: l.to.x - 8 - i * 8, y: l.to.y - 10 },
        orderIds: s.orderIds,
        lsn: s.lsn,
      })),
    };
    if (dots.length <= BUNDLE_OVER) return traffic;
    const mean = dots.reduce((sum, d) => sum + d.progress, 0) / dots.length;
    return { ...traffic, dots: [], bundle: { count: dots.length, at: pointOnLink(l, mean), progress: round2(mean) } };
  });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
