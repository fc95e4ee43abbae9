import { describe, expect, it } from 'vitest';
import type { Shipment } from '../../engine/index.ts';
import {
  BUNDLE_OVER,
  type LayoutInput,
  layoutTopology,
  MIN_LAYOUT_WIDTH,
  placeShipments,
  pointOnLink,
  QUEUE_SHOWN,
  shipmentProgress,
} from './topologyLayout.ts';
import { failoverLabel } from './topologyText.ts';

const SEED: LayoutInput = {
  width: 1200,
  appServers: ['app-1', 'app-2', 'app-3'],
  primary: 'primary',
  others: ['replica-1', 'replica-2', 'replica-3'],
  readers: ['replica-1', 'replica-2', 'replica-3'],
  endpoint: 'primary',
};

function ship(entry: number, over: Partial<Shipment> = {}): Shipment {
  return {
    replica: 'replica-3',
    entry,
    lsn: entry * 100,
    orderIds: [],
    stage: 'in-flight',
    sentAt: 0,
    arriveAt: 1000,
    ...over,
  };
}

describe('the topology layout', () => {
  it('puts the app tier left of the primary and the replicas right of it, inside the width', () => {
    const l = layoutTopology(SEED);
    expect(l.width).toBe(1200);
    expect(l.clients.x + l.clients.w).toBeLessThan(l.lb.x);
    expect(l.lb.x + l.lb.w).toBeLessThan(l.apps[0].x);
    expect(l.apps[0].x + l.apps[0].w).toBeLessThan(l.primary.x);
    for (const r of l.others) {
      expect(r.x).toBeGreaterThan(l.primary.x + l.primary.w);
      expect(r.x + r.w).toBeLessThanOrEqual(l.width);
      expect(r.y + r.h).toBeLessThanOrEqual(l.height);
    }
    expect(l.apps.map((a) => a.name)).toEqual(['app-1', 'app-2', 'app-3']);
  });

  it('stacks the right column without overlaps, a standby included, and keeps it out of the read group', () => {
    const l = layoutTopology({ ...SEED, others: [...SEED.others, 'standby'] });
    const ys = l.others.map((b) => b.y);
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeGreaterThanOrEqual(ys[i - 1] + l.others[i - 1].h);
    const group = l.readGroup!;
    const standby = l.others.find((b) => b.name === 'standby')!;
    expect(standby.y).toBeGreaterThanOrEqual(group.y + group.h);
    expect(l.paths.readBranches.map((b) => b.node)).toEqual(SEED.readers);
    expect(l.paths.replication.map((r) => r.replica)).toEqual([...SEED.others, 'standby']);
  });

  it('lays out narrow screens at the minimum width (the SVG scales it down)', () => {
    expect(layoutTopology({ ...SEED, width: 400 }).width).toBe(MIN_LAYOUT_WIDTH);
  });

  it('draws replication links from the primary right edge to each replica left edge', () => {
    const l = layoutTopology(SEED);
    for (const link of l.paths.replication) {
      expect(link.from.x).toBe(l.primary.x + l.primary.w);
      expect(link.to.x).toBe(l.others.find((b) => b.name === link.replica)!.x);
      expect(link.d.startsWith(`M${link.from.x},${link.from.y}`)).toBe(true);
      expect(pointOnLink(link, 0)).toEqual(link.from);
      expect(pointOnLink(link, 1)).toEqual(link.to);
    }
  });

  it('keeps the labels clear of the boxes and of each other, at the narrowest width and with five replicas', () => {
    // Widths measured in Chromium at 11 px (system sans; DejaVu Sans here, among the widest):
    // "10,000 ms · disconnected" 142 px, "endpoint (clients write here)" 178 px, the write label
    // (bold) "writes to replica-1 fail" 137 px; sharded, "writes → primary · orders → shards" (34
    // characters). Estimated here a little wider, per character.
    type Rect = { name: string; x: number; y: number; w: number; h: number };
    const text = (name: string, chars: number, at: { x: number; y: number }, perChar: number): Rect => ({
      name,
      x: at.x - chars * perChar,
      y: at.y - 11,
      w: chars * perChar,
      h: 14,
    });
    const meets = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    for (const width of [MIN_LAYOUT_WIDTH, 1200, 1600]) {
      for (const replicas of [1, 3, 5]) {
        const others = Array.from({ length: replicas }, (_, i) => `replica-${i + 1}`);
        const l = layoutTopology({ ...SEED, width, others, readers: others });
        const p = l.primary;
        const halo = (b: Rect | typeof p, name = b.name) => ({
          name,
          x: b.x - 5,
          y: b.y - 5,
          w: b.w + 10,
          h: b.h + 10,
        });
        const boxes: Rect[] = [halo(p), ...l.others.map((b) => halo(b)), ...l.apps.map((b) => halo(b)), halo(l.lb)];
        const endpointTag = text('endpoint tag', 29, { x: p.x + p.w - 4, y: p.y - 9 }, 6.4);
        const writeLabel = text('write label', 34, l.writeLabel, 6.6);
        const linkLabels = l.paths.replication.map((r) => text(`label of ${r.replica}`, 24, r.label, 6.2));
        const labels = [endpointTag, writeLabel, ...linkLabels];
        const where = `width ${width}, ${replicas} replicas`;
        for (const label of labels) {
          expect(label.x, `${label.name}, ${where}`).toBeGreaterThanOrEqual(0);
          for (const box of boxes) {
            if (label === endpointTag && box.name === p.name) continue; // it sits on the primary's halo
            expect(meets(label, box), `${label.name} meets ${box.name}, ${where}`).toBe(false);
          }
          for (const other of labels)
            if (other !== label) expect(meets(label, other), `${label.name} meets ${other.name}, ${where}`).toBe(false);
        }
      }
    }
  });

  it('sends writes to the endpoint, even mid-failover when it is not the middle node', () => {
    const l = layoutTopology({
      ...SEED,
      primary: 'replica-2',
      others: ['primary', 'replica-1', 'replica-3'],
      endpoint: 'primary',
    });
    const old = l.others.find((b) => b.name === 'primary')!;
    for (const w of l.paths.writes) {
      const [, x, y] = w.d.match(/(-?[\d.]+),(-?[\d.]+)$/)!;
      expect(Number(x)).toBe(old.x);
      expect(Math.abs(Number(y) - (old.y + old.h / 2))).toBeLessThan(old.h / 2);
    }
    expect(l.primary.name).toBe('replica-2');
  });
});

describe('shipments on the links', () => {
  const links = layoutTopology(SEED).paths.replication;

  it('places a transaction by engine time only: sent 0, arriving 1000, at 250 it is a quarter of the way', () => {
    expect(shipmentProgress({ sentAt: 0, arriveAt: 1000 }, 250)).toBe(0.25);
    expect(shipmentProgress({ sentAt: 0, arriveAt: 1000 }, -5)).toBe(0);
    expect(shipmentProgress({ sentAt: 0, arriveAt: 1000 }, 5000)).toBe(1);
    expect(shipmentProgress({ sentAt: 10, arriveAt: 10 }, 10)).toBe(1);
    const [t] = placeShipments(links, [ship(7)], 333).filter((x) => x.replica === 'replica-3');
    expect(t.dots).toHaveLength(1);
    expect(t.dots[0].progress).toBe(0.33);
    const link = links.find((l) => l.replica === 'replica-3')!;
    expect(t.dots[0].at.x).toBeGreaterThan(link.from.x);
    expect(t.dots[0].at.x).toBeLessThan(link.to.x);
  });

  it('stacks received transactions at the replica end, oldest nearest, counting those not drawn', () => {
    const queued = Array.from({ length: QUEUE_SHOWN + 3 }, (_, i) => ship(20 - i, { stage: 'queued' }));
    const [t] = placeShipments(links, queued, 2000).filter((x) => x.replica === 'replica-3');
    expect(t.dots).toEqual([]);
    expect(t.queuedCount).toBe(QUEUE_SHOWN + 3);
    expect(t.queued).toHaveLength(QUEUE_SHOWN);
    expect(t.queued[0].entry).toBe(10);
    expect(t.queued[0].at.x).toBeGreaterThan(t.queued[1].at.x);
    // A snapshot carries only the oldest of a long queue: the count comes from its replication row.
    const [all] = placeShipments(links, queued, 2000, new Map([['replica-3', 5000]])).filter(
      (x) => x.replica === 'replica-3',
    );
    expect(all.queuedCount).toBe(5000);
    expect(all.queued.map((q) => q.entry)).toEqual(t.queued.map((q) => q.entry));
  });

  it("keeps each transaction's orders and LSN on its dot and square, so a highlight can find them", () => {
    const [t] = placeShipments(
      links,
      [ship(7, { orderIds: [42] }), ship(8, { stage: 'queued', orderIds: [43] })],
      333,
    ).filter((x) => x.replica === 'replica-3');
    expect(t.dots.map((d) => [d.entry, d.orderIds, d.lsn])).toEqual([[7, [42], 700]]);
    expect(t.queued.map((q) => [q.entry, q.orderIds, q.lsn])).toEqual([[8, [43], 800]]);
  });

  it(`bundles more than ${BUNDLE_OVER} transactions on one link into one dot with a count`, () => {
    const many = Array.from({ length: BUNDLE_OVER + 1 }, (_, i) => ship(i + 1, { sentAt: i, arriveAt: i + 1000 }));
    const [t] = placeShipments(links, many, 500).filter((x) => x.replica === 'replica-3');
    expect(t.dots).toEqual([]);
    expect(t.bundle?.count).toBe(BUNDLE_OVER + 1);
    expect(t.bundle?.progress).toBeCloseTo(0.49, 2);
    const [few] = placeShipments(links, many.slice(0, BUNDLE_OVER), 500).filter((x) => x.replica === 'replica-3');
    expect(few.bundle).toBeUndefined();
    expect(few.dots).toHaveLength(BUNDLE_OVER);
  });

  it('drops shipments to a node that has no link drawn', () => {
    const traffic = placeShipments(links, [ship(1, { replica: 'replica-9' })], 0);
    expect(traffic.every((t) => t.dots.length === 0)).toBe(true);
  });
});

describe('the failover label under the primary', () => {
  const failover = {
    state: 'resting',
    primary: 'primary',
    auto: true,
    healthCheck: { intervalMs: 1000, timeoutMs: 500, retries: 3 },
  };

  it('counts failed health checks against the retries', () => {
    expect(failoverLabel(failover, 5000, { at: 4900, failures: 2 }, undefined)).toBe('health check failed 2/3');
    expect(failoverLabel({ ...failover, state: 'checking' }, 5000, { at: 4900, failures: 2 }, undefined)).toBe(
      'health check failed 2/3, checking again',
    );
    expect(failoverLabel({ ...failover, state: 'checking' }, 90_000, { at: 4900, failures: 2 }, undefined)).toBe(
      'health checks OK',
    );
  });

  it('names the replica being promoted', () => {
    expect(failoverLabel({ ...failover, state: 'promoting' }, 0, undefined, 'replica-2')).toBe('promoting replica-2');
  });
});
