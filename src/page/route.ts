/**
 * Which screen the page shows, read from and written to its address, so every screen has a
 * link a teacher can share:
 * - no hash: the landing screen (the lessons and the free-play sandbox);
 * - `#sandbox`, or a share link of the lab (`?seed=42`, `?scenario=<preset>`) with no hash: the lab;
 * - `#lesson/<id>/<step-id>` a lesson's step (`#lesson/<id>` its first step); a challenge link,
 *   `#lesson/<id>/<step-id>?challenge` or `#challenge/<id>/<step-id>`, opens it question first;
 * - `?embed=1&lesson=<id>&from=<step>&to=<step>`: the compact view for an iframe, limited to
 *   those steps (either end may be left out);
 * - `?presenter=1` (with any of the above): the projector view.
 * A link that cannot be read is never fatal: the page shows the landing screen (or the lab
 * for a share link) with `error` saying what was wrong and what was done instead. Whether a
 * named lesson or step exists is `checkRoute`'s question, against the lesson library.
 * Pure; no DOM: callers pass `location.search` and `location.hash`.
 */

export type View =
  | { screen: 'landing' }
  | { screen: 'sandbox' }
  | { screen: 'lesson'; lesson: string; step?: string; challenge: boolean }
  | { screen: 'embed'; lesson: string; from?: string; to?: string };

export interface PageRoute {
  view: View;
  /** The projector view: large type, high contrast, only the topology, the lesson and its controls. */
  presenter: boolean;
  /** Why the link was not followed as written, in plain words (shown to the learner). */
  error?: string;
}

/** Lesson and step ids are slugs: lower-case letters, digits and dashes. */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SHOWN = 40;

function shown(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** True for `1`, `true`, `yes` or an empty value (`?presenter`); false for anything else. */
function flag(params: URLSearchParams, name: string): boolean {
  const value = params.get(name);
  return value !== null && ['', '1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

/** Reads the page's route from `location.search` and `location.hash`. */
export function parseRoute(search: string, hash: string): PageRoute {
  const params = new URLSearchParams(search);
  const presenter = flag(params, 'presenter');
  const shareLink = params.has('seed') || params.has('scenario');
  const fallback: View = shareLink ? { screen: 'sandbox' } : { screen: 'landing' };
  const instead = shareLink ? 'the lab is shown instead' : 'the start page is shown instead';

  if (params.has('embed') && flag(params, 'embed')) {
    const embed = parseEmbed(params);
    if ('error' in embed) return { view: fallback, presenter, error: `${embed.error}, so ${instead}.` };
    return { view: embed, presenter };
  }

  const raw = hash.replace(/^#/, '');
  if (raw === '' || raw === '/') return { view: fallback, presenter };
  if (raw === 'sandbox' || raw === '/sandbox') return { view: { screen: 'sandbox' }, presenter };
  const lesson = parseLessonHash(raw);
  if ('error' in lesson) return { view: fallback, presenter, error: `${lesson.error}, so ${instead}.` };
  return { view: lesson, presenter };
}

function parseLessonHash(raw: string): Extract<View, { screen: 'lesson' }> | { error: string } {
  const [path, query = ''] = splitOnce(raw, '?');
  const parts = path.replace(/^\//, '').split('/');
  const kind = parts[0];
  if (kind !== 'lesson' && kind !== 'challenge') {
    return { error: `The link's "#${shown(raw)}" names no screen of the lab (try #lesson/<id>/<step> or #sandbox)` };
  }
  if (parts.length < 2 || parts.length > 3 || parts[1] === '') {
    return { error: `The link "#${shown(raw)}" should be #${kind}/<lesson id>/<step id>` };
  }
  const lesson = checkSlug(parts[1], 'lesson id');
  if (typeof lesson !== 'string') return lesson;
  let step: string | undefined;
  if (parts.length === 3 && parts[2] !== '') {
    const checked = checkSlug(parts[2], 'step id');
    if (typeof checked !== 'string') return checked;
    step = checked;
  }
  const challenge = kind === 'challenge' || new URLSearchParams(query).has('challenge');
  if (challenge && step === undefined) {
    return { error: `A challenge link names its step: #challenge/${lesson}/<step id>` };
  }
  return { screen: 'lesson', lesson, ...(step !== undefined ? { step } : {}), challenge };
}

function parseEmbed(params: URLSearchParams): Extract<View, { screen: 'embed' }> | { error: string } {
  const raw = params.get('lesson');
  if (raw === null || raw.trim() === '') return { error: 'An embed link names its lesson (&lesson=<id>)' };
  const lesson = checkSlug(raw, 'lesson id', false);
  if (typeof lesson !== 'string') return lesson;
  const ends: { from?: string; to?: string } = {};
  for (const end of ['from', 'to'] as const) {
    const value = params.get(end);
    if (value === null || value === '') continue;
    const step = checkSlug(value, `"${end}" step id`, false);
    if (typeof step !== 'string') return step;
    ends[end] = step;
  }
  return { screen: 'embed', lesson, ...ends };
}

function checkSlug(part: string, what: string, encoded = true): string | { error: string } {
  const text = encoded ? decode(part) : part;
  if (text === undefined) return { error: `The link's ${what} "${shown(part)}" is not a valid address` };
  if (!SLUG.test(text)) {
    return { error: `The link's ${what} "${shown(text)}" is not an id (lower-case letters, digits and dashes)` };
  }
  return text;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/** The hash of a view (landing: empty); embed views live in the query, see `embedSearch`. */
export function buildHash(view: View): string {
  switch (view.screen) {
    case 'landing':
      return '';
    case 'sandbox':
      return '#sandbox';
    case 'lesson':
      return lessonHash(view.lesson, view.step, view.challenge);
    case 'embed':
      return '';
  }
}

/** `#lesson/<id>/<step>`, or its challenge link (`?challenge`). */
export function lessonHash(lesson: string, step?: string, challenge = false): string {
  const path = `#lesson/${encodeURIComponent(lesson)}${step !== undefined ? `/${encodeURIComponent(step)}` : ''}`;
  return challenge && step !== undefined ? `${path}?challenge` : path;
}

/** The query of an embed link: `?embed=1&lesson=<id>&from=<step>&to=<step>`. */
export function embedSearch(lesson: string, from?: string, to?: string): string {
  const params = new URLSearchParams({ embed: '1', lesson });
  if (from !== undefined) params.set('from', from);
  if (to !== undefined) params.set('to', to);
  return `?${params.toString()}`;
}

/** `search` with the presenter parameter set or removed, the rest kept. */
export function withPresenter(search: string, on: boolean): string {
  const params = new URLSearchParams(search);
  if (on) params.set('presenter', '1');
  else params.delete('presenter');
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** What the page knows of a lesson, to check a link against (the library's ids in order). */
export interface LessonOutline {
  id: string;
  steps: readonly string[];
}

/**
 * The route with its lesson and steps checked against the library: an unknown lesson goes
 * to the start page, an unknown step to the lesson's first step, an embed range whose end
 * is unknown or reversed to the whole lesson; each with `error` saying so.
 */
export function checkRoute(route: PageRoute, lessons: readonly LessonOutline[]): PageRoute {
  const { view } = route;
  if (view.screen !== 'lesson' && view.screen !== 'embed') return route;
  const lesson = lessons.find((l) => l.id === view.lesson);
  const add = (error: string) => (route.error ? `${route.error} ${error}` : error);
  if (!lesson) {
    return { ...route, view: { screen: 'landing' }, error: add(`There is no lesson "${view.lesson}": pick one here.`) };
  }
  if (view.screen === 'lesson') {
    if (view.step === undefined || lesson.steps.includes(view.step)) return route;
    return {
      ...route,
      view: { screen: 'lesson', lesson: view.lesson, challenge: false },
      error: add(`Lesson "${view.lesson}" has no step "${view.step}", so it opens at its first step.`),
    };
  }
  const unknown = [view.from, view.to].filter((s) => s !== undefined && !lesson.steps.includes(s));
  const reversed =
    view.from !== undefined &&
    view.to !== undefined &&
    unknown.length === 0 &&
    lesson.steps.indexOf(view.from) > lesson.steps.indexOf(view.to);
  if (unknown.length === 0 && !reversed) return route;
  const why =
    unknown.length > 0
      ? `Lesson "${view.lesson}" has no step ${unknown.map((s) => `"${s}"`).join(' or ')}`
      : `The embed's "from" step "${view.from}" comes after its "to" step "${view.to}"`;
  return {
    ...route,
    view: { screen: 'embed', lesson: view.lesson },
    error: add(`${why}, so the whole lesson is shown.`),
  };
}

/** The steps an embed view may show, in order (all of them when it names no range). */
export function embedSteps(view: Extract<View, { screen: 'embed' }>, lesson: LessonOutline): string[] {
  const first = view.from !== undefined ? lesson.steps.indexOf(view.from) : 0;
  const last = view.to !== undefined ? lesson.steps.indexOf(view.to) : lesson.steps.length - 1;
  return lesson.steps.slice(Math.max(0, first), last < 0 ? lesson.steps.length : last + 1);
}
