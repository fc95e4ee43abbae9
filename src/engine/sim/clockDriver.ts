/**
 * Drives the virtual clock from wall time for a person watching: real time at a speed
 * factor (0.25x-8x), paused, or one event at a time. The only engine file that reads wall
 * time or uses timers; headless runs never use it (they run the clock as fast as possible).
 */
import type { VirtualClock } from './clock.ts';

export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8] as const;

export interface DriverState {
  paused: boolean;
  speed: number;
  /** Set when an engine event failed while playing: the driver paused itself. */
  error?: string;
}

export class ClockDriver {
  private state: DriverState = { paused: true, speed: 1 };
  private lastWallMs = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  /** Where playing and stepping stop by themselves (the scenario player's last step). */
  private stop: { atMs: number; reached: () => void } | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly frameMs = 16,
    private readonly wallNow: () => number = () => performance.now(),
  ) {}

  getState(): DriverState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(next: Partial<DriverState>): void {
    this.state = { ...this.state, ...next };
    for (const l of this.listeners) l();
  }

  play(): void {
    if (!this.state.paused) return;
    this.set({ paused: false, error: undefined });
    this.lastWallMs = this.wallNow();
    this.loop();
  }

  pause(): void {
    this.set({ paused: true });
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  toggle(): void {
    if (this.state.paused) this.play();
    else this.pause();
  }

  setSpeed(speed: number): void {
    this.set({ speed: Math.min(8, Math.max(0.25, speed)) });
  }

  faster(): void {
    const i = SPEEDS.findIndex((s) => s >= this.state.speed);
    this.setSpeed(SPEEDS[Math.min(SPEEDS.length - 1, i + 1)]);
  }

  slower(): void {
    const i = SPEEDS.findIndex((s) => s >= this.state.speed);
    this.setSpeed(SPEEDS[Math.max(0, i - 1)]);
  }

  /**
   * Playing and stepping stop exactly at engine time `atMs` (never past it): the driver
   * pauses there and calls `reached` once. Replaces an earlier stop; `clearStop` drops it.
   */
  stopAt(atMs: number, reached: () => void): void {
    this.stop = { atMs, reached };
    if (this.clock.now() >= atMs) this.stopReached();
  }

  clearStop(): void {
    this.stop = undefined;
  }

  private stopReached(): void {
    const stop = this.stop;
    this.stop = undefined;
    this.pause();
    stop?.reached();
  }

  /** Pauses and runs exactly the next scheduled event (or stops at the stop time first). */
  async step(): Promise<boolean> {
    this.pause();
    const stop = this.stop;
    if (stop && (this.clock.nextAt() ?? Number.POSITIVE_INFINITY) > stop.atMs) {
      await this.clock.runUntil(stop.atMs);
      this.stopReached();
      return true;
    }
    const stepped = await this.clock.step();
    // The last event at the stop time has run: nothing is left before the stop.
    if (stop && stop === this.stop && this.clock.now() >= stop.atMs) {
      if ((this.clock.nextAt() ?? Number.POSITIVE_INFINITY) > stop.atMs) this.stopReached();
    }
    return stepped;
  }

  /** Runs whatever is due at the current engine time (e.g. a command sent while paused). */
  flush(): Promise<void> {
    return this.clock.runUntil(this.clock.now());
  }

  private loop(): void {
    this.timer = setTimeout(async () => {
      if (this.state.paused) return;
      const wall = this.wallNow();
      // Cap a long gap (a hidden tab, a slow frame) so engine time does not leap ahead.
      const elapsed = Math.min(wall - this.lastWallMs, 250);
      this.lastWallMs = wall;
      const target = this.clock.now() + elapsed * this.state.speed;
      const stop = this.stop;
      try {
        await this.clock.runUntil(stop ? Math.min(target, stop.atMs) : target);
      } catch (err) {
        // A failed event must not leave the clock silently stopped while "playing".
        this.pause();
        this.set({ error: err instanceof Error ? err.message : String(err) });
        return;
      }
      if (stop && stop === this.stop && this.clock.now() >= stop.atMs) return this.stopReached();
      if (!this.state.paused) this.loop();
    }, this.frameMs);
  }
}
