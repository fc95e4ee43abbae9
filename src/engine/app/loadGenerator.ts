/**
 * The load generator: many simulated users sending writes and reads at given rates, on
 * the virtual clock, with seeded Poisson arrivals. Reads follow the seed's mix (browse and
 * search 66%, view orders 17%, analytics 17%); writes are orders. It only sends commands.
 */
import type { VirtualClock } from '../sim/clock.ts';
import type { SeededRandom } from '../sim/random.ts';

export interface LoadOptions {
  /** Orders placed per second (seed: 20% of the traffic). */
  writesPerSec: number;
  /** Reads per second (seed: 80% of the traffic). */
  readsPerSec: number;
  /** Simulated users, ids 1000 and up (the shop has 20). */
  users: number;
}

export const DEFAULT_LOAD: LoadOptions = { writesPerSec: 20, readsPerSec: 80, users: 20 };

export interface LoadActions {
  placeOrder(user: number, total: number): void;
  readOrders(user: number): void;
  browse(user: number, category: string): void;
  analyticsQuery(user: number): void;
}

const CATEGORIES = ['Electronics', 'Fashion', 'Home & Kitchen', 'Books & Media'];

export class LoadGenerator {
  private timers: number[] = [];
  private options: LoadOptions | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly random: SeededRandom,
    private readonly actions: LoadActions,
  ) {}

  get running(): LoadOptions | undefined {
    return this.options;
  }

  start(options: Partial<LoadOptions> = {}): void {
    this.stop();
    this.options = { ...DEFAULT_LOAD, ...options };
    if (this.options.writesPerSec > 0) this.arrive('write', this.options.writesPerSec);
    if (this.options.readsPerSec > 0) this.arrive('read', this.options.readsPerSec);
  }

  stop(): void {
    for (const t of this.timers) this.clock.cancel(t);
    this.timers = [];
    this.options = undefined;
  }

  /** Schedules the next arrival of a Poisson process with `perSec` events a second. */
  private arrive(kind: 'write' | 'read', perSec: number): void {
    // Whole milliseconds keep engine times readable; at least 1 ms between arrivals.
    const gapMs = Math.max(1, Math.round(-Math.log(1 - this.random.next()) * (1000 / perSec)));
    const id = this.clock.schedule(
      gapMs,
      () => {
        this.timers = this.timers.filter((t) => t !== id);
        if (!this.options) return;
        this.fire(kind);
        this.arrive(kind, perSec);
      },
      `load ${kind}`,
    );
    this.timers.push(id);
  }

  private fire(kind: 'write' | 'read'): void {
    const users = this.options?.users ?? DEFAULT_LOAD.users;
    const user = 1000 + this.random.int(0, users - 1);
    if (kind === 'write') {
      this.actions.placeOrder(user, Math.round(this.random.next() * 20000) / 100 + 1);
      return;
    }
    const r = this.random.next();
    if (r < 0.66) this.actions.browse(user, CATEGORIES[this.random.int(0, CATEGORIES.length - 1)]);
    else if (r < 0.83) this.actions.readOrders(user);
    else this.actions.analyticsQuery(user);
  }
}
