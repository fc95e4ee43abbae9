/**
 * A TCP proxy on the replication link between a real standby and its primary (loopback
 * only). The standby's primary_conninfo points here, so the fidelity suite can do to the
 * real link what the lab does to its simulated one: delay every chunk in both directions
 * by `delayMs` (the lab's `lagMs` is a one-way delay and the standby's acknowledgements
 * travel back over the same link), or cut it (every open connection closed and new ones
 * refused until it is restored).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class LinkProxy {
  delayMs = 0;
  private cut = false;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly targetPort: number,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  /** Listens on a free loopback port and forwards to `targetPort` on loopback. */
  static async start(targetPort: number): Promise<LinkProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('proxy: no port');
    return new LinkProxy(server, address.port, targetPort);
  }

  /** Cuts the link: closes every connection through it and refuses new ones. */
  disconnect(): void {
    this.cut = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Restores the link; the standby reconnects on its own (wal_retrieve_retry_interval). */
  reconnect(): void {
    this.cut = false;
  }

  async close(): Promise<void> {
    this.disconnect();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.cut) {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  /** Forwards `from` to `to`, each chunk `delayMs` after it arrived, in order. */
  private pipe(from: Socket, to: Socket): void {
    let lastDue = 0;
    let pending = 0;
    from.on('data', (chunk) => {
      if (this.delayMs === 0 && pending === 0) {
        to.write(chunk);
        return;
      }
      // In order even when the delay shrinks: never before the previous chunk.
      const due = Math.max(Date.now() + this.delayMs, lastDue);
      lastDue = due;
      pending++;
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          pending--;
          if (!to.destroyed) to.write(chunk);
        },
        Math.max(0, due - Date.now()),
      );
      this.timers.add(timer);
    });
  }
}
