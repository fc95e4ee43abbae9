/**
 * Plays a lab scenario file on a real PostgreSQL primary + streaming standby, in wall
 * time: each step at its `at`, mapped onto what a real deployment would do (a client
 * connection per order or read, the proxy for link lag and cuts, ALTER SYSTEM for
 * recovery_min_apply_delay and the synchronous settings, pg_ctl for kills, restarts and
 * promotion). The lab's failover manager is stood in for by a minimal one: when the primary
 * is killed or partitioned with automatic failover on, the standby is promoted (after
 * fencing the old primary when fencing is on) and becomes the write endpoint. Knobs that
 * exist only in the lab's model (health-check and failover timings, promotion policy) are
 * accepted and change nothing here; actions with no meaning on one standby are refused.
 */
import type pg from 'pg';
import { type Scenario, stepCommand, stepTimes } from '../../src/scenarios/schema.ts';
import { connectTo, type RealPair, STANDBY_NAME } from './realCluster.ts';
import { type Probe, type RunRecord, type StepResult, valueText } from './record.ts';

/** How long the stand-in failover manager takes to notice a dead primary (wall ms). */
const DETECT_MS = 200;

/** The lab's analytics query (operations.ts), made to run as long as the lab says it costs. */
const ANALYTICS_SQL = `SELECT count(*) FROM (
  SELECT p.product_id, p.name, sum(oi.quantity) AS total_sold
    FROM products p JOIN order_items oi ON p.product_id = oi.product_id
   GROUP BY p.product_id ORDER BY total_sold DESC LIMIT 100) AS top, pg_sleep($1)`;

const LAB_ONLY = new Set(['setHealthCheck', 'setFailoverTimings', 'setPromotionPolicy', 'wait']);

type Command = NonNullable<ReturnType<typeof stepCommand>>;

export async function runOnPostgres(
  pair: RealPair,
  scenario: Scenario,
  probes: Probe[],
  tailMs: number,
): Promise<RunRecord> {
  const world = new RealWorld(pair, scenario);
  await world.applySettings();
  const { times, endMs } = stepTimes(scenario.steps);
  const record: RunRecord = { steps: [], probes: {} };
  const start = Date.now();
  const now = () => Date.now() - start;
  const work: Promise<unknown>[] = [];
  // Steps run in order at their times; a step's operation may still be running when the next starts.
  for (const [i, step] of scenario.steps.entries()) {
    const wait = start + times[i] - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const result: StepResult = { action: step.do, atMs: now() };
    record.steps[i] = result;
    const command = stepCommand(step);
    if (!command) {
      result.endMs = result.atMs;
      result.ok = true;
      continue;
    }
    const probe = probes.find((p) => p.afterStep === i);
    const op = world.perform(command).then(async (outcome) => {
      Object.assign(result, outcome, { endMs: now() });
      if (probe && outcome.ok) {
        const p: StepResult = { action: 'readOrders', atMs: now() };
        record.probes[i] = p;
        Object.assign(p, await world.perform({ do: 'readOrders', user: probe.user, node: probe.node }), {
          endMs: now(),
        });
      }
    });
    // Steps that configure the cluster finish before the next step, as in the lab, where
    // they take effect within their own clock event.
    if (!['placeOrder', 'readOrders', 'sql', 'analyticsQuery'].includes(command.do)) await op;
    work.push(op);
  }
  const deadline = start + endMs + tailMs;
  await Promise.race([Promise.all(work), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
  // Operations still waiting (a commit with no synchronous standby) stay unfinished in the
  // record: it is copied before the servers are stopped under them.
  const copy = structuredClone(record);
  await world.idle();
  return copy;
}

type Outcome = Omit<StepResult, 'action' | 'atMs' | 'endMs'>;

/** The real pair as the scenario sees it: who is primary, where writes go, what is on. */
class RealWorld {
  private leader = 'primary';
  private fencing = true;
  private autoFailover = true;
  private failover: Promise<void> = Promise.resolve();

  constructor(
    private readonly pair: RealPair,
    private readonly scenario: Scenario,
  ) {}

  /** The scenario's settings that have a real counterpart: link delay and apply delay. */
  async applySettings(): Promise<void> {
    const s = this.scenario.settings ?? {};
    if ((s.replicas ?? 3) !== 1 || s.standby) {
      throw new Error(`fidelity scenarios run on one standby: "${this.scenario.name}" needs settings.replicas = 1`);
    }
    const first = (v: number | number[] | undefined) => (Array.isArray(v) ? v[0] : v);
    this.pair.proxy.delayMs = first(s.lagMs) ?? 150;
    const apply = first(s.applyDelayMs) ?? 0;
    if (apply) await this.pair.setParameter(STANDBY_NAME, 'recovery_min_apply_delay', `${apply}ms`);
  }

  /** Waits for a failover still in progress (so the pair is not disposed under it). */
  idle(): Promise<void> {
    return this.failover.catch(() => undefined);
  }

  private resolve(node: string | undefined): string {
    if (!node || node === 'current-primary') return this.leader;
    this.pair.node(node);
    return node;
  }

  async perform(c: Command): Promise<Outcome> {
    try {
      return await this.dispatch(c);
    } catch (err) {
      const e = err as { message: string; code?: string };
      return { ok: false, error: e.message, ...(e.code ? { code: e.code } : {}) };
    }
  }

  private async dispatch(c: Command): Promise<Outcome> {
    const pair = this.pair;
    switch (c.do) {
      case 'placeOrder': {
        if (c.via)
          throw new Error('the real side sends writes straight to a node or the endpoint, not via app servers');
        const { rows } = await this.sql(
          this.resolve(c.node),
          "INSERT INTO orders (user_id, total_amount, status, created_at) VALUES ($1, $2, 'PENDING', now()) RETURNING order_id",
          [c.user, c.total],
        );
        return { ok: true, orderId: Number(rows[0].order_id) };
      }
      case 'readOrders': {
        if (!c.node) throw new Error('fidelity scenarios name the node a read goes to (no app-server routing)');
        const { rows } = await this.sql(
          this.resolve(c.node),
          'SELECT order_id FROM orders WHERE user_id = $1 ORDER BY order_id',
          [c.user],
        );
        return { ok: true, orderIds: rows.map((r) => Number(r.order_id)) };
      }
      case 'sql': {
        const result = (await this.sql(this.resolve(c.node), c.text)) as pg.QueryResult | pg.QueryResult[];
        const last = Array.isArray(result) ? result.at(-1) : result;
        const first = last?.rows[0];
        return { ok: true, value: valueText(first ? Object.values(first)[0] : undefined) };
      }
      case 'analyticsQuery': {
        const cost = (this.scenario.settings?.analyticsCostMs ?? 200) / 1000;
        await this.sql(STANDBY_NAME, ANALYTICS_SQL, [cost]);
        return { ok: true };
      }
      case 'setLag':
        this.standbyOnly(c.node);
        pair.proxy.delayMs = c.ms;
        return { ok: true };
      case 'setApplyDelay':
        this.standbyOnly(c.node);
        await pair.setParameter(STANDBY_NAME, 'recovery_min_apply_delay', `${c.ms}ms`);
        return { ok: true };
      case 'disconnect':
        this.standbyOnly(c.node);
        pair.proxy.disconnect();
        return { ok: true };
      case 'reconnect':
        this.standbyOnly(c.node);
        pair.proxy.reconnect();
        return { ok: true };
      case 'setMode':
        return this.setMode(c);
      case 'killNode': {
        const name = this.resolve(c.node);
        await pair.kill(name);
        if (name === this.leader) this.startFailover();
        return { ok: true };
      }
      case 'restartNode': {
        const name = this.resolve(c.node);
        if (pair.node(name).up) return { ok: true };
        if (name !== this.leader && this.fencing && name === 'primary')
          throw new Error('rejoining a fenced old primary (pg_rewind) is not modelled on the real side');
        await pair.startNode(name);
        return { ok: true };
      }
      case 'partition': {
        if (this.resolve(c.node) !== 'primary') throw new Error('the real side partitions only the primary');
        pair.proxy.disconnect();
        this.startFailover();
        return { ok: true };
      }
      case 'heal':
        pair.proxy.reconnect();
        return { ok: true };
      case 'setFencing':
        this.fencing = c.on;
        return { ok: true };
      case 'setAutoFailover':
        this.autoFailover = c.on;
        return { ok: true };
      default:
        if (LAB_ONLY.has(c.do)) return { ok: true };
        throw new Error(`"${c.do}" has no counterpart on one real primary and standby`);
    }
  }

  private standbyOnly(node: string): void {
    if (node !== STANDBY_NAME) throw new Error(`the real side has one standby, "${STANDBY_NAME}", not "${node}"`);
  }

  private async setMode(c: Extract<Command, { do: 'setMode' }>): Promise<Outcome> {
    if (c.mode === 'semi-sync') throw new Error('semi-sync is MySQL; it is not checked against a real server');
    // Standby names with a dash must be quoted in synchronous_standby_names.
    const names =
      c.mode === 'async' ? '' : (c.standbys ?? `FIRST 1 (${STANDBY_NAME})`).replace(/[\w-]+-[\w-]+/g, (n) => `"${n}"`);
    await this.pair.setParameter(this.leader, 'synchronous_standby_names', names);
    await this.pair.setParameter(this.leader, 'synchronous_commit', c.mode === 'async' ? 'on' : (c.level ?? 'on'));
    return { ok: true };
  }

  /** The stand-in failover manager: fence (kill) the old primary if fencing is on, promote the standby. */
  private startFailover(): void {
    if (!this.autoFailover || this.leader !== 'primary') return;
    this.failover = (async () => {
      await new Promise((r) => setTimeout(r, DETECT_MS));
      if (!this.pair.node(STANDBY_NAME).up) return;
      if (this.fencing) await this.pair.kill('primary');
      await this.pair.promote(STANDBY_NAME);
      this.leader = STANDBY_NAME;
    })();
  }

  /** One statement on a new connection to `node` (a new session, like each client request). */
  private async sql(node: string, text: string, values?: unknown[]): Promise<pg.QueryResult> {
    const n = this.pair.node(node);
    if (!n.up) throw new Error('could not connect to server: Connection refused');
    const client = await connectTo(n.port);
    try {
      return await client.query(text, values);
    } finally {
      void client.end().catch(() => undefined);
    }
  }
}
