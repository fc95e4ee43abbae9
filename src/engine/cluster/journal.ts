/**
 * The journal: every command sent to a cluster from outside, with the moment it was sent
 * (engine time and the number of clock events run before it), so the same commands can be
 * sent again at the same moments on a fresh cluster. Runs are deterministic, so that
 * rebuilds the state of any earlier moment (the page's step back); the journal is also
 * what a run saved as a scenario is made of (src/scenarios/journal.ts).
 */
import type { Command } from '../commands/schema.ts';
import type { VirtualClock } from '../sim/clock.ts';

/** A command sent from outside, with the moment it was sent: enough to replay a run exactly. */
export interface JournalEntry {
  /** Events the clock had run when the command was sent. */
  processed: number;
  at: number;
  command: Command;
}

export class Journal {
  private readonly entries: JournalEntry[] = [];
  /** Above 0 while the engine sends commands of its own (a scenario's steps): not journaled. */
  private depth = 0;

  constructor(private readonly clock: VirtualClock) {}

  /** Notes a command being sent now, unless it is sent unjournaled. */
  note(command: Command): void {
    if (this.depth > 0) return;
    this.entries.push({ processed: this.clock.processed, at: this.clock.now(), command });
  }

  /** Runs `send` without journaling the commands it sends. */
  unjournaled<T>(send: () => T): T {
    this.depth++;
    try {
      return send();
    } finally {
      this.depth--;
    }
  }

  copy(): JournalEntry[] {
    return structuredClone(this.entries);
  }
}

/**
 * Sends the journal's commands up to `untilMs` at their moments (same engine time, same
 * number of events run before them), then runs the clock to `untilMs`.
 */
export async function resend(
  target: { clock: VirtualClock; send(command: Command): Promise<unknown> },
  journal: readonly JournalEntry[],
  untilMs: number,
): Promise<void> {
  const { clock } = target;
  for (const entry of journal) {
    if (entry.at > untilMs) break;
    await clock.runWhile(() => clock.processed < entry.processed, entry.at);
    if (entry.at > clock.now()) await clock.runUntil(entry.at);
    // The original's outcome (a refused write, say) was shown then; the replay only redoes it.
    void target.send(entry.command).catch(() => undefined);
  }
  await clock.runUntil(untilMs);
}
