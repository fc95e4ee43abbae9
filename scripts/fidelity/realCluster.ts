/**
 * A real PostgreSQL primary and streaming standby on loopback, for the fidelity suite:
 * Debian's binaries (/usr/lib/postgresql/<major>/bin), a temporary directory that is
 * removed at the end, the lab's own schema and sample rows (from the engine), and the
 * standby's replication link through a LinkProxy so it can be delayed or cut. PostgreSQL
 * refuses to run as root, so under root every server command runs as the `postgres` user.
 * One template pair is built once (initdb, schema, pg_basebackup -R); each scenario runs
 * on a fresh copy of it, so a failover in one case cannot leak into the next.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { SHOP_SCHEMA_SQL, sampleRowsSql } from '../../src/engine/index.ts';
import { LinkProxy } from './proxy.ts';

const run = promisify(execFile);

/** The standby's name, as the lab calls its first replica (also its application_name). */
export const STANDBY_NAME = 'replica-1';

export interface PgInstall {
  bin: string;
  /** e.g. "15.18" */
  version: string;
  major: string;
}

/** Finds Debian's PostgreSQL binaries (the newest major version installed); throws a clear error when there are none. */
export async function findPostgres(): Promise<PgInstall> {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new Error(
      'PostgreSQL is not installed: the fidelity suite needs Debian\'s "postgresql" package ' +
        '(initdb, pg_ctl, pg_basebackup under /usr/lib/postgresql/<version>/bin). ' +
        'Install it with `apt-get install -y postgresql` (.ci/run does this in CI).',
    );
  }
  const bin = join(root, majors[0], 'bin');
  const { stdout } = await run(join(bin, 'postgres'), ['--version']);
  const version = /PostgreSQL\)\s+([\d.]+)/.exec(stdout)?.[1] ?? majors[0];
  return { bin, version, major: version.split('.')[0] };
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the postgres user when we are root. */
async function pgRun(install: PgInstall, program: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const [file, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(install.bin, program), ...args]]
    : [join(install.bin, program), args];
  try {
    const { stdout } = await run(file, argv, { timeout: timeoutMs, cwd: tmpdir() });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${program} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** Gives a path we created to the postgres user (when we are root). */
function own(path: string): void {
  if (!asRoot) return;
  const { uid, gid } = postgresIds;
  chownSync(path, uid, gid);
}
let postgresIds = { uid: 0, gid: 0 };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Settings both servers share: loopback TCP only, fast, small, a standby that reconnects quickly. */
const COMMON_CONF = [
  "listen_addresses = '127.0.0.1'",
  "unix_socket_directories = ''",
  'fsync = off',
  'shared_buffers = 16MB',
  'wal_level = replica',
  'max_wal_senders = 5',
  'wal_keep_size = 128MB',
  'hot_standby = on',
  'wal_retrieve_retry_interval = 100ms',
  "log_line_prefix = '%m [%p] '",
];

export async function connectTo(port: number): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** One SQL statement on a new connection (a new session, like each client request). */
export async function query(port: number, text: string, values?: unknown[]): Promise<pg.QueryResult> {
  const client = await connectTo(port);
  try {
    return await client.query(text, values);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The template pair every run copies, in a temporary directory removed by `dispose`. */
export class PgTemplate {
  private runs = 0;

  private constructor(
    readonly install: PgInstall,
    readonly base: string,
  ) {}

  static async create(install: PgInstall): Promise<PgTemplate> {
    if (asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
        throw new Error('running as root, but there is no "postgres" user to run PostgreSQL as');
      });
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      postgresIds = { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
    }
    const base = mkdtempSync(join(tmpdir(), 'replica-lab-fidelity-'));
    own(base);
    const t = new PgTemplate(install, base);
    try {
      await t.build();
    } catch (err) {
      t.dispose();
      throw err;
    }
    return t;
  }

  private async build(): Promise<void> {
    const primary = join(this.base, 'template-primary');
    const standby = join(this.base, 'template-standby');
    await pgRun(this.install, 'initdb', [
      '-D',
      primary,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const port = await freePort();
    appendFileSync(join(primary, 'postgresql.conf'), `${[...COMMON_CONF, `port = ${port}`].join('\n')}\n`);
    await pgRun(this.install, 'pg_ctl', ['start', '-w', '-D', primary, '-l', join(this.base, 'template.log')]);
    try {
      await query(port, SHOP_SCHEMA_SQL);
      await query(port, sampleRowsSql());
      await pgRun(this.install, 'pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-D',
        standby,
        '-R',
        '-X',
        'stream',
        '--no-sync',
      ]);
    } finally {
      await pgRun(this.install, 'pg_ctl', ['stop', '-w', '-m', 'fast', '-D', primary]);
    }
  }

  /** A fresh primary + standby pair from the template, started and streaming. */
  async startPair(): Promise<RealPair> {
    const dir = join(this.base, `run-${++this.runs}`);
    await run(asRoot ? 'runuser' : 'mkdir', asRoot ? ['-u', 'postgres', '--', 'mkdir', dir] : [dir]);
    const copy = (from: string, to: string) =>
      run(asRoot ? 'runuser' : 'cp', asRoot ? ['-u', 'postgres', '--', 'cp', '-a', from, to] : ['-a', from, to]);
    await copy(join(this.base, 'template-primary'), join(dir, 'primary'));
    await copy(join(this.base, 'template-standby'), join(dir, 'standby'));
    const pair = new RealPair(this.install, dir, await freePort(), await freePort());
    await pair.start();
    return pair;
  }

  dispose(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

export interface RealNode {
  name: string;
  dir: string;
  port: number;
  up: boolean;
}

/** A running primary and standby; the standby replicates through `proxy`. */
export class RealPair {
  readonly nodes: Record<string, RealNode>;
  proxy!: LinkProxy;

  constructor(
    readonly install: PgInstall,
    readonly dir: string,
    primaryPort: number,
    standbyPort: number,
  ) {
    this.nodes = {
      primary: { name: 'primary', dir: join(dir, 'primary'), port: primaryPort, up: false },
      [STANDBY_NAME]: { name: STANDBY_NAME, dir: join(dir, 'standby'), port: standbyPort, up: false },
    };
  }

  node(name: string): RealNode {
    const n = this.nodes[name];
    if (!n) throw new Error(`the real pair has no node "${name}" (it has: ${Object.keys(this.nodes).join(', ')})`);
    return n;
  }

  async start(): Promise<void> {
    const primary = this.nodes.primary;
    const standby = this.nodes[STANDBY_NAME];
    // postgresql.auto.conf: read after postgresql.conf, so these lines win.
    appendFileSync(join(primary.dir, 'postgresql.auto.conf'), `port = ${primary.port}\n`);
    this.proxy = await LinkProxy.start(primary.port);
    const conninfo = `host=127.0.0.1 port=${this.proxy.port} user=postgres application_name=${STANDBY_NAME}`;
    appendFileSync(
      join(standby.dir, 'postgresql.auto.conf'),
      `port = ${standby.port}\nprimary_conninfo = '${conninfo}'\n`,
    );
    for (const n of [primary, standby]) own(join(n.dir, 'postgresql.auto.conf'));
    await this.startNode('primary');
    await this.startNode(STANDBY_NAME);
    await this.waitStreaming();
  }

  async startNode(name: string): Promise<void> {
    const n = this.node(name);
    await pgRun(this.install, 'pg_ctl', ['start', '-w', '-t', '60', '-D', n.dir, '-l', `${n.dir}.log`]);
    n.up = true;
  }

  /** Crashes a server (SIGQUIT: no shutdown checkpoint, like a power loss for the clients). */
  async kill(name: string): Promise<void> {
    const n = this.node(name);
    await pgRun(this.install, 'pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', n.dir]).catch(() => undefined);
    n.up = false;
  }

  /** `pg_ctl promote`: the standby replays what it received and becomes a primary. */
  async promote(name: string): Promise<void> {
    await pgRun(this.install, 'pg_ctl', ['promote', '-w', '-t', '60', '-D', this.node(name).dir]);
  }

  /** Sets a server parameter on `name` with ALTER SYSTEM and reloads its configuration. */
  async setParameter(name: string, parameter: string, value: string): Promise<void> {
    const client = await connectTo(this.node(name).port);
    try {
      await client.query(`ALTER SYSTEM SET ${parameter} = ${pg.escapeLiteral(value)}`);
      await client.query('SELECT pg_reload_conf()');
    } finally {
      await client.end().catch(() => undefined);
    }
    // pg_reload_conf() only signals the postmaster: wait until this session sees it.
    for (let i = 0; i < 100; i++) {
      const { rows } = await query(this.node(name).port, `SELECT current_setting(${pg.escapeLiteral(parameter)}) AS v`);
      if (normalise(String(rows[0].v)) === normalise(value)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${parameter} did not become ${value} on ${name}`);
  }

  /** Waits until the primary reports the standby streaming (its pg_stat_replication row). */
  async waitStreaming(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await query(
        this.nodes.primary.port,
        'SELECT state FROM pg_stat_replication WHERE application_name = $1',
        [STANDBY_NAME],
      );
      if (rows[0]?.state === 'streaming') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the standby did not start streaming within ${timeoutMs} ms (see ${this.dir}/*.log)`);
  }

  /** Stops both servers, closes the proxy and removes the pair's directory. */
  async dispose(): Promise<void> {
    for (const n of Object.values(this.nodes)) await this.kill(n.name);
    await this.proxy?.close();
    if (existsSync(this.dir) && statSync(this.dir).isDirectory()) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** "1min", "60s" and "60000ms" are the same setting; so are quoted and unquoted standby names. */
function normalise(v: string): string {
  const ms = /^(\d+)\s*(ms|s|min|h)?$/.exec(v.trim());
  const unit: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
  if (ms) return String(Number(ms[1]) * unit[ms[2] ?? 'ms']);
  return v.replace(/\s+/g, '').toLowerCase();
}
