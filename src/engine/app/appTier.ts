/**
 * The application tier of the seed: app servers behind a load balancer (round robin),
 * each with its own router position and its own in-memory session Map, exactly as the
 * seed keeps `userSessions` per process. The "shared" session store moves that state to
 * one place every server sees (a session cookie in Rails, or a shared store). State only:
 * decisions are in routing.ts, effects in the cluster facade.
 */
import { DEFAULT_RYW, type ReadPolicy, type RywStrategy, type Session } from './routing.ts';

export type SessionStore = 'per-app-server' | 'shared';
export type DataKind = 'orders' | 'products';

export interface AppServer {
  name: string;
  /** The seed's per-process `replicaIndex`. */
  rrIndex: number;
  sessions: Map<number, Session>;
}

export class AppTier {
  readonly servers: AppServer[];
  private readonly shared = new Map<number, Session>();
  private lbIndex = 0;
  store: SessionStore = 'per-app-server';
  policy: ReadPolicy = 'round-robin';
  /** Read-your-writes strategy per kind of data (the seed: orders sticky, reviews optimistic). */
  readonly strategies: Record<DataKind, RywStrategy> = { orders: { ...DEFAULT_RYW }, products: { ...DEFAULT_RYW } };

  constructor(count: number) {
    this.servers = Array.from({ length: count }, (_, i) => ({ name: `app-${i + 1}`, rrIndex: 0, sessions: new Map() }));
  }

  /** The named app server, or the load balancer's next one (round robin). */
  server(via?: string): AppServer {
    if (via) {
      const s = this.servers.find((x) => x.name === via);
      if (!s)
        throw new Error(`no app server named "${via}" (app servers: ${this.servers.map((x) => x.name).join(', ')})`);
      return s;
    }
    const s = this.servers[this.lbIndex % this.servers.length];
    this.lbIndex++;
    return s;
  }

  session(server: AppServer, user: number): Session {
    const map = this.store === 'shared' ? this.shared : server.sessions;
    let s = map.get(user);
    if (!s) {
      s = {};
      map.set(user, s);
    }
    return s;
  }

  /** After a write is acknowledged: remember it where this store keeps sessions. */
  noteWrite(server: AppServer, user: number, atMs: number, lsn: number): void {
    const s = this.session(server, user);
    s.lastWriteAt = atMs;
    s.lastWriteLsn = Math.max(s.lastWriteLsn ?? 0, lsn);
  }
}
