/**
 * The one virtual clock. Engine time is a number of milliseconds that moves only when the
 * clock runs its next scheduled event; every delay in the engine (log shipping, applying,
 * xstate's delayed transitions, failover phases) is an event here. Events at the same
 * time run in the order they were scheduled, and an event's async work (a PGlite call)
 * finishes before the next event starts, so a run is a pure function of its inputs.
 * (An event may also send work to a node without waiting and await it in a later event,
 * as a client's read does: nodes serve requests in the order sent, so that stays exact.)
 * This file never reads wall time: the real-time driver lives in clockDriver.ts.
 */
import type { ActorOptions, AnyActorLogic } from 'xstate';

/** xstate's clock interface (what `createActor(logic, { clock })` accepts). */
type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

type Task = () => void | Promise<void>;

interface Scheduled {
  at: number;
  seq: number;
  task: Task;
  label: string;
}

/** A binary min-heap ordered by (at, seq). */
class EventQueue {
  private heap: Scheduled[] = [];
  get size(): number {
    return this.heap.length;
  }
  peek(): Scheduled | undefined {
    return this.heap[0];
  }
  push(e: Scheduled): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Scheduled | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class VirtualClock implements Clock {
  private nowMs = 0;
  private seq = 0;
  /** Events run so far: with the time, pins down a moment of a run exactly (for replay). */
  private processedCount = 0;
  private readonly queue = new EventQueue();
  private readonly cancelled = new Set<number>();
  /** Async work started by an event (e.g. by an xstate actor) that must end before the next. */
  private readonly pending = new Set<Promise<unknown>>();
  private running: Promise<void> | null = null;
  private readonly tickListeners = new Set<() => void>();

  /** Called after every event the clock runs and whenever time moves. */
  onTick(listener: () => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  private tick(): void {
    for (const l of this.tickListeners) l();
  }

  /** Engine time in ms. */
  now(): number {
    return this.nowMs;
  }

  /** Number of events started so far (an event counts from the moment it starts). */
  get processed(): number {
    return this.processedCount;
  }

  /** Whether no event is running now (a step or a tick has finished all its work). */
  get idle(): boolean {
    return this.running === null;
  }

  /** Schedules `task` `delayMs` from now; returns an id for cancel(). */
  schedule(delayMs: number, task: Task, label = ''): number {
    const seq = ++this.seq;
    this.queue.push({ at: this.nowMs + Math.max(0, delayMs), seq, task, label });
    return seq;
  }

  /** Schedules `task` at an absolute engine time (not earlier than now). */
  scheduleAt(atMs: number, task: Task, label = ''): number {
    return this.schedule(atMs - this.nowMs, task, label);
  }

  cancel(id: number): void {
    this.cancelled.add(id);
  }

  /** xstate's Clock interface: delayed transitions run on engine time. */
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    return this.schedule(timeout, () => fn(), 'xstate');
  }

  clearTimeout(id: number): void {
    this.cancel(id);
  }

  /** Registers async work started outside a scheduled task so the clock waits for it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }

  /** Time of the next live event, or undefined when nothing is scheduled. */
  nextAt(): number | undefined {
    this.dropCancelled();
    return this.queue.peek()?.at;
  }

  /** Events still to run. */
  get scheduledCount(): number {
    this.dropCancelled();
    return this.queue.size - this.cancelled.size;
  }

  private dropCancelled(): void {
    for (let top = this.queue.peek(); top && this.cancelled.has(top.seq); top = this.queue.peek()) {
      this.queue.pop();
      this.cancelled.delete(top.seq);
    }
  }

  /** Waits for every tracked piece of async work, including work those pieces start. */
  async settle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      // Let xstate finish the synchronous part of a transition and start its actors.
      await Promise.resolve();
      if (this.pending.size === 0) return;
      await Promise.allSettled([...this.pending]);
    }
    throw new Error('clock: tracked work keeps scheduling more work');
  }

  /** Runs the next event (moving time to it). Returns false when nothing is scheduled. */
  step(): Promise<boolean> {
    return this.exclusive(async () => this.runNext(Number.POSITIVE_INFINITY));
  }

  /** Runs every event up to and including `atMs`, then sets the time to `atMs`. */
  runUntil(atMs: number): Promise<void> {
    return this.exclusive(async () => {
      while (await this.runNext(atMs)) {
        /* keep going */
      }
      if (atMs > this.nowMs) {
        this.nowMs = atMs;
        this.tick();
      }
    });
  }

  /** Runs `ms` of engine time. */
  advance(ms: number): Promise<void> {
    return this.runUntil(this.nowMs + ms);
  }

  /**
   * As fast as possible: runs events until `done()` holds or nothing is left, never past
   * `limitMs`. Returns whether `done()` held.
   */
  runWhile(notDone: () => boolean, limitMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    return this.exclusive(async () => {
      while (notDone()) {
        if (!(await this.runNext(limitMs))) return !notDone();
      }
      return true;
    });
  }

  private async runNext(limitMs: number): Promise<boolean> {
    await this.settle();
    this.dropCancelled();
    const top = this.queue.peek();
    if (!top || top.at > limitMs) return false;
    this.queue.pop();
    this.nowMs = Math.max(this.nowMs, top.at);
    this.processedCount++;
    await top.task();
    await this.settle();
    this.tick();
    return true;
  }

  /** One runner at a time: a step pressed during a real-time tick waits its turn. */
  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.running) await this.running;
    let release!: () => void;
    this.running = new Promise<void>((r) => {
      release = r;
    });
    try {
      return await work();
    } finally {
      this.running = null;
      release();
    }
  }
}
