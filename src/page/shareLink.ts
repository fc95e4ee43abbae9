/**
 * What a share link carries: `?seed=42` boots the page's cluster with that seed, so a
 * class can open the same run. A bad value is reported, never fatal. Pure; no DOM.
 */

/** A seed as typed or linked: a whole number of 0 or more, or undefined. */
export function parseSeed(text: string): number | undefined {
  const seed = Number(text);
  return /^\d+$/.test(text.trim()) && Number.isSafeInteger(seed) ? seed : undefined;
}

/** The seed a share link asks for, or why it cannot be used. */
export function seedFromUrl(search: string): { seed?: number; error?: string } {
  const raw = new URLSearchParams(search).get('seed');
  if (raw === null) return {};
  const seed = parseSeed(raw);
  if (seed === undefined) {
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    return { error: `The link's seed "${shown}" is not a whole number of 0 or more, so the default seed is used.` };
  }
  return { seed };
}
