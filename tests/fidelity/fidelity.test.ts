/**
 * The fidelity suite's pieces that need no PostgreSQL (npm run fidelity runs the real
 * comparison): its scenario files are valid lab scenarios on one standby, the page's
 * "checked against PostgreSQL" marks name only behaviours and checks the suite has, every
 * known simplification a check relies on is a README bullet, and the replication-link
 * proxy forwards, cuts and restores a connection.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BEHAVIOURS, CASES } from '../../scripts/fidelity/cases.ts';
import { LinkProxy } from '../../scripts/fidelity/proxy.ts';
import { simplificationsSection } from '../../scripts/fidelity/report.ts';
import { parseScenarioText } from '../../src/scenarios/schema.ts';
import marks from '../../src/ui/shared/fidelity.json';

const dir = new URL('../../scripts/fidelity/scenarios/', import.meta.url);

describe('fidelity cases', () => {
  it('run scenario files that are valid lab scenarios on one standby, each used by a case', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(CASES.map((c) => `${c.scenario}.json`).sort());
    for (const c of CASES) {
      const scenario = parseScenarioText(readFileSync(new URL(`${c.scenario}.json`, dir), 'utf8'), c.scenario);
      expect(scenario.settings?.replicas, c.scenario).toBe(1);
      for (const p of c.probes ?? []) expect(scenario.steps[p.afterStep]?.do, c.scenario).toBe('placeOrder');
    }
  });

  it('number at least 12 checks with unique ids, each behaviour with a label', () => {
    const checks = CASES.flatMap((c) => c.checks);
    expect(checks.length).toBeGreaterThanOrEqual(12);
    expect(new Set(checks.map((k) => k.id)).size).toBe(checks.length);
    for (const k of checks) if (k.behaviour) expect(BEHAVIOURS[k.behaviour], k.id).toBeTruthy();
  });

  it("document every known disagreement in the README's list", () => {
    const section = simplificationsSection(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'));
    for (const k of CASES.flatMap((c) => c.checks)) {
      if (k.simplification) expect(section, k.id).toContain(`**${k.simplification}`);
    }
  });

  it("let the page mark only behaviours the suite checks, with that behaviour's checks", () => {
    expect(marks.postgres).toMatch(/^\d+$/);
    const checks = CASES.flatMap((c) => c.checks);
    for (const [behaviour, mark] of Object.entries(marks.behaviours as Record<string, { checks: string[] }>)) {
      expect(BEHAVIOURS[behaviour], behaviour).toBeTruthy();
      expect(mark.checks.sort()).toEqual(
        checks
          .filter((k) => k.behaviour === behaviour)
          .map((k) => k.id)
          .sort(),
      );
    }
  });
});

describe('LinkProxy', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  /** An echo server behind a proxy, and a client that collects what comes back. */
  async function echoBehindProxy() {
    const server: Server = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const proxy = await LinkProxy.start(port);
    cleanup.push(
      () => proxy.close(),
      () => new Promise((r) => server.close(r)),
    );
    return proxy;
  }

  function client(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
    return new Promise((resolve) => {
      let data = '';
      const socket = connect(port, '127.0.0.1', () =>
        resolve({ socket, received: () => data, closed: new Promise((r) => socket.on('close', () => r())) }),
      );
      socket.on('data', (d) => {
        data += d.toString();
      });
      socket.on('error', () => undefined);
      cleanup.push(() => socket.destroy());
    });
  }

  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setImmediate(r));
  };

  it('forwards both ways in order, with a delay too', async () => {
    const proxy = await echoBehindProxy();
    proxy.delayMs = 5;
    const c = await client(proxy.port);
    for (const part of ['a', 'b', 'c', 'd']) c.socket.write(part);
    await until(() => c.received().length === 4);
    expect(c.received()).toBe('abcd');
  });

  it('cuts every connection, refuses new ones until reconnected', async () => {
    const proxy = await echoBehindProxy();
    const first = await client(proxy.port);
    proxy.disconnect();
    await first.closed;
    const refused = await client(proxy.port);
    await refused.closed;
    expect(refused.received()).toBe('');
    proxy.reconnect();
    const again = await client(proxy.port);
    again.socket.write('back');
    await until(() => again.received() === 'back');
    expect(again.received()).toBe('back');
  });
});
