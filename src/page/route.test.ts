/**
 * The page's routes: every link form the lessons, the sandbox, embedding and presenting use
 * reads back to the view it names, builds back to the same link, and a broken link is
 * explained and falls back to a screen that exists instead of throwing.
 */
import { describe, expect, it } from 'vitest';
import {
  buildHash,
  checkRoute,
  embedSearch,
  embedSteps,
  type LessonOutline,
  lessonHash,
  parseRoute,
  withPresenter,
} from './route.ts';

const LESSONS: LessonOutline[] = [
  { id: 'stale-read', steps: ['intro', 'place', 'read', 'why'] },
  { id: 'failover', steps: ['kill', 'elect'] },
];

describe('parseRoute', () => {
  it('opens the landing screen without a hash, and the lab for #sandbox or a share link', () => {
    expect(parseRoute('', '')).toEqual({ view: { screen: 'landing' }, presenter: false });
    expect(parseRoute('', '#')).toEqual({ view: { screen: 'landing' }, presenter: false });
    expect(parseRoute('', '#sandbox')).toEqual({ view: { screen: 'sandbox' }, presenter: false });
    expect(parseRoute('?seed=42', '')).toEqual({ view: { screen: 'sandbox' }, presenter: false });
    expect(parseRoute('?scenario=stale-read', '')).toEqual({ view: { screen: 'sandbox' }, presenter: false });
    // A lesson link that also carries the page's seed is still the lesson.
    expect(parseRoute('?seed=1', '#lesson/stale-read/read').view).toEqual({
      screen: 'lesson',
      lesson: 'stale-read',
      step: 'read',
      challenge: false,
    });
  });

  it('reads lesson and challenge links', () => {
    expect(parseRoute('', '#lesson/stale-read').view).toEqual({
      screen: 'lesson',
      lesson: 'stale-read',
      challenge: false,
    });
    for (const hash of ['#lesson/stale-read/read?challenge', '#challenge/stale-read/read']) {
      expect(parseRoute('', hash).view).toEqual({
        screen: 'lesson',
        lesson: 'stale-read',
        step: 'read',
        challenge: true,
      });
    }
  });

  it('reads embed links, with or without a range, and the presenter flag', () => {
    expect(parseRoute('?embed=1&lesson=failover&from=kill&to=elect', '').view).toEqual({
      screen: 'embed',
      lesson: 'failover',
      from: 'kill',
      to: 'elect',
    });
    expect(parseRoute('?embed=1&lesson=failover', '#sandbox').view).toEqual({ screen: 'embed', lesson: 'failover' });
    expect(parseRoute('?presenter=1', '#lesson/failover/kill').presenter).toBe(true);
    expect(parseRoute('?presenter', '#sandbox').presenter).toBe(true);
    expect(parseRoute('?presenter=0', '#sandbox').presenter).toBe(false);
    // embed=0 is no embed.
    expect(parseRoute('?embed=0&lesson=failover', '#sandbox').view).toEqual({ screen: 'sandbox' });
  });

  it('explains a link it cannot read and falls back, never throws', () => {
    const cases: [string, string, RegExp][] = [
      ['', '#lessons', /names no screen of the lab/],
      ['', '#lesson/', /should be #lesson\/<lesson id>\/<step id>/],
      ['', '#lesson/a/b/c', /should be #lesson/],
      ['', '#lesson/Stale Read/x', /lesson id "Stale Read" is not an id/],
      ['', '#lesson/stale-read/%E0%A4%A', /step id "%E0%A4%A" is not a valid address/],
      ['', '#lesson/stale-read/<img src=x>', /step id "<img src=x>" is not an id/],
      ['', '#challenge/stale-read', /A challenge link names its step/],
      ['?embed=1', '', /An embed link names its lesson/],
      ['?embed=1&lesson=failover&from=Kill!', '', /"from" step id "Kill!" is not an id/],
    ];
    for (const [search, hash, error] of cases) {
      const route = parseRoute(search, hash);
      expect(route.view, `${search}${hash}`).toEqual({ screen: 'landing' });
      expect(route.error, `${search}${hash}`).toMatch(error);
      expect(route.error).toMatch(/so the start page is shown instead\.$/);
    }
    const shared = parseRoute('?seed=7', '#nonsense');
    expect(shared.view).toEqual({ screen: 'sandbox' });
    expect(shared.error).toMatch(/so the lab is shown instead\.$/);
    // A long bad id is cut short in the message.
    expect(parseRoute('', `#lesson/${'X'.repeat(500)}`).error?.length).toBeLessThan(200);
  });
});

describe('building links', () => {
  it('builds each view back to a link that parses to it', () => {
    const views = [
      { screen: 'landing' },
      { screen: 'sandbox' },
      { screen: 'lesson', lesson: 'stale-read', challenge: false },
      { screen: 'lesson', lesson: 'stale-read', step: 'why', challenge: false },
      { screen: 'lesson', lesson: 'stale-read', step: 'why', challenge: true },
    ] as const;
    for (const view of views) expect(parseRoute('', buildHash(view)).view).toEqual(view);
    expect(lessonHash('failover', 'kill', true)).toBe('#lesson/failover/kill?challenge');
    const embed = embedSearch('failover', 'kill', 'elect');
    expect(embed).toBe('?embed=1&lesson=failover&from=kill&to=elect');
    expect(parseRoute(embed, '').view).toEqual({ screen: 'embed', lesson: 'failover', from: 'kill', to: 'elect' });
  });

  it('sets and clears the presenter flag, keeping the rest of the query', () => {
    expect(withPresenter('?seed=4', true)).toBe('?seed=4&presenter=1');
    expect(withPresenter('?seed=4&presenter=1', false)).toBe('?seed=4');
    expect(withPresenter('?presenter=1', false)).toBe('');
  });
});

describe('checkRoute', () => {
  it('keeps a link to a lesson and step that exist', () => {
    const route = parseRoute('', '#lesson/stale-read/read?challenge');
    expect(checkRoute(route, LESSONS)).toBe(route);
    expect(checkRoute(parseRoute('', '#sandbox'), LESSONS).view).toEqual({ screen: 'sandbox' });
  });

  it('sends an unknown lesson to the start page and an unknown step to the first step, saying so', () => {
    const noLesson = checkRoute(parseRoute('', '#lesson/sharding/intro'), LESSONS);
    expect(noLesson.view).toEqual({ screen: 'landing' });
    expect(noLesson.error).toBe('There is no lesson "sharding": pick one here.');
    const noStep = checkRoute(parseRoute('', '#challenge/stale-read/nope'), LESSONS);
    expect(noStep.view).toEqual({ screen: 'lesson', lesson: 'stale-read', challenge: false });
    expect(noStep.error).toMatch(/has no step "nope", so it opens at its first step/);
  });

  it('limits an embed to its range, or shows the whole lesson when the range is wrong', () => {
    const ok = checkRoute(parseRoute('?embed=1&lesson=stale-read&from=place&to=read', ''), LESSONS);
    expect(ok.error).toBeUndefined();
    if (ok.view.screen !== 'embed') throw new Error('expected an embed view');
    expect(embedSteps(ok.view, LESSONS[0])).toEqual(['place', 'read']);
    expect(embedSteps({ screen: 'embed', lesson: 'stale-read', from: 'read' }, LESSONS[0])).toEqual(['read', 'why']);
    const reversed = checkRoute(parseRoute('?embed=1&lesson=stale-read&from=why&to=place', ''), LESSONS);
    expect(reversed.view).toEqual({ screen: 'embed', lesson: 'stale-read' });
    expect(reversed.error).toMatch(/"from" step "why" comes after its "to" step "place", so the whole lesson/);
    const unknown = checkRoute(parseRoute('?embed=1&lesson=stale-read&to=later', ''), LESSONS);
    expect(unknown.error).toMatch(/has no step "later", so the whole lesson is shown/);
    expect(checkRoute(parseRoute('?embed=1&lesson=nope', ''), LESSONS).view).toEqual({ screen: 'landing' });
  });
});
