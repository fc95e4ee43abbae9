/**
 * Which of the lab's tabs a lesson step talks about, so the lesson can open it and nothing
 * the step asks the learner to look at or change is off screen: the routing settings for
 * a read policy, read-your-writes strategy or session store; the replication settings for
 * a replication mode, synchronous standbys, the promotion policy or fencing; the failover story for a failover; the
 * sharding panel for shards; the timeline when the step names it. Read from the step's
 * narration, its question, hints and goal; undefined leaves the open tab as it is. Pure.
 */

export type StepTab = 'routing' | 'replication' | 'failover' | 'shards' | 'timeline';

interface StepText {
  narration: string;
  /** A step may name what it is about only in its question ("How many shards have to answer?"). */
  predict?: { question: string };
  hints?: readonly string[];
  goal?: { text: string };
}

/** In order: a step that asks for a setting opens that setting before what it shows. */
const RULES: readonly [StepTab, RegExp][] = [
  ['routing', /read[- ]your[- ]writes strateg|read policy|session store|sticky routing/i],
  // The replication panel holds the failover settings too (promotion policy, fencing).
  [
    'replication',
    /replication mode|semi-sync|synchronous_(?:commit|standby_names)|synchronous standby|synchronous replication|promotion policy|fencing/i,
  ],
  ['failover', /fail ?over|promot(?:e|ed|es|ion)\b|health checks?\b/i],
  ['shards', /\bshard/i],
  ['timeline', /\btimeline\b/i],
];

export function tabForStep(step: StepText): StepTab | undefined {
  const text = [step.narration, step.predict?.question ?? '', ...(step.hints ?? []), step.goal?.text ?? ''].join('\n');
  return RULES.find(([, pattern]) => pattern.test(text))?.[0];
}
