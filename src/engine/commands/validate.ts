/**
 * Checking a command that came from outside (a scenario file, a share link, a script on
 * the automation hook): every problem in plain words, naming the field and what it got,
 * and the command a typo probably meant. The scenario format reports its steps' problems
 * with these same sentences.
 */
import type { z } from 'zod';
import { unknownUser } from '../cluster/settings.ts';
import { COMMAND_NAMES, COMMANDS, type Command } from './schema.ts';

export class CommandError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n- ${problems.join('\n- ')}`);
    this.name = 'CommandError';
  }
}

/** A value as the learner wrote it, for messages. */
export function shown(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function fieldPath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.');
}

/** One zod issue as a sentence: the field, what was expected, and what it got. */
export function issueText(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  let value: unknown = input;
  for (const p of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[p];
  return `field "${fieldPath(issue.path)}": ${issue.message} (got ${shown(value)})`;
}

/** Edit distance, to suggest the name a typo meant. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/**
 * Why `action` is not one of `known`, with the name it probably meant:
 * `unknown action "do": "readOrdrs" (did you mean "readOrders"?); actions: ...`.
 */
export function unknownActionText(action: unknown, known: readonly string[]): string {
  const guess =
    typeof action === 'string' ? known.find((k) => distance(k.toLowerCase(), action.toLowerCase()) <= 2) : undefined;
  return (
    `${action === undefined ? 'missing "do"' : `unknown action "do": ${shown(action)}`}` +
    `${guess ? ` (did you mean "${guess}"?)` : ''}; actions: ${known.join(', ')}`
  );
}

/**
 * Problems a valid command has on a cluster with `users` customers: a user id the shop
 * does not have (its orders would fail on the foreign key, far from the typo), or more
 * load users than customers. Sentences as `parseCommand`'s, without the command name.
 */
export function settingsProblems(command: Command, users: number): string[] {
  const problems: string[] = [];
  if ('user' in command && command.user !== undefined) {
    const why = unknownUser(command.user, users);
    if (why) problems.push(`field "user": ${why}`);
  }
  if (command.do === 'startLoad' && command.users !== undefined && command.users > users) {
    problems.push(`field "users": the shop has ${users} users (raise settings.users for more)`);
  }
  return problems;
}

/** Validates a value as a command; throws CommandError naming every problem. */
export function parseCommand(raw: unknown): Command {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CommandError([`expected a command like {"do": "placeOrder", ...}, got ${shown(raw)}`]);
  }
  const action = (raw as { do?: unknown }).do;
  if (typeof action !== 'string' || !Object.hasOwn(COMMANDS, action)) {
    throw new CommandError([unknownActionText(action, COMMAND_NAMES)]);
  }
  const parsed = COMMANDS[action as keyof typeof COMMANDS].safeParse(raw);
  if (!parsed.success) throw new CommandError(parsed.error.issues.map((i) => `${action}: ${issueText(i, raw)}`));
  return parsed.data as Command;
}
