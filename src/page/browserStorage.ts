/**
 * The part of the Web Storage API the page keeps things in (lesson progress, one's own
 * lessons): localStorage in the browser, a Map-backed fake in tests, undefined where there
 * is none or it is forbidden (Node, some private modes).
 */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function browserStorage(): KeyValueStorage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
