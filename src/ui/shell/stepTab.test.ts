/**
 * A lesson step opens the tab it talks about: the setting it asks the learner to change
 * before what it shows, nothing when it names no panel. Includes every step of the
 * library, so a lesson whose goal needs a setting always shows that setting's tab.
 */
import { describe, expect, it } from 'vitest';
import { LESSON_LIST } from '../../lessons/index.ts';
import { tabForStep } from './stepTab.ts';

describe('tabForStep', () => {
  it('opens the setting a step asks for, before what it shows', () => {
    expect(tabForStep({ narration: 'Choose a read-your-writes strategy so that no customer misses an order.' })).toBe(
      'routing',
    );
    expect(tabForStep({ narration: 'Replicas are 2 s behind.', hints: ['Switch the session store to shared.'] })).toBe(
      'routing',
    );
    expect(
      tabForStep({ narration: 'The primary dies and a replica is promoted. Change the replication mode so...' }),
    ).toBe('replication');
    expect(tabForStep({ narration: 'The failover manager declares the primary dead.' })).toBe('failover');
    expect(tabForStep({ narration: 'The primary dies. Change the promotion policy so that...' })).toBe('replication');
    expect(tabForStep({ narration: 'Each shard holds a range of users.' })).toBe('shards');
    expect(tabForStep({ narration: 'The read gets a mark on the timeline.' })).toBe('timeline');
    expect(tabForStep({ narration: 'User 1001 places an order.' })).toBeUndefined();
  });

  it('reads the question too: a step may name its panel only there', () => {
    const step = {
      narration: 'The shop wants its best sellers.',
      predict: { question: 'How many shards have to answer?' },
    };
    expect(tabForStep(step)).toBe('shards');
    expect(tabForStep({ narration: step.narration })).toBeUndefined();
  });

  it('opens the sharding panel for every step of the sharding lessons', () => {
    // The lessons that shard the shop (a setSharding action in their first step).
    const sharding = LESSON_LIST.filter((l) => l.chapters[0].steps[0].actions?.some((a) => a.do === 'setSharding'));
    expect(sharding.map((l) => l.id)).toEqual(['shard-by-user', 'consistent-hashing', 'shard-ids', 'shard-down']);
    for (const lesson of sharding)
      for (const step of lesson.chapters.flatMap((c) => c.steps))
        expect(tabForStep(step), `${lesson.id}/${step.id}`).toBe('shards');
  });

  it('opens a settings tab for every library step whose goal the learner reaches by changing settings', () => {
    const settingGoals = LESSON_LIST.flatMap((l) => l.chapters.flatMap((c) => c.steps)).filter(
      (s) =>
        s.goal &&
        /strateg|policy|session store|replication mode|synchronous|semi-sync|fencing/i.test(
          [s.narration, ...(s.hints ?? [])].join(' '),
        ),
    );
    expect(settingGoals.length).toBeGreaterThan(0);
    for (const step of settingGoals) expect(tabForStep(step), step.id).toMatch(/^(routing|replication)$/);
  });
});
