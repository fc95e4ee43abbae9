/**
 * WAL positions (LSNs). PostgreSQL prints them as two hex halves, `0/1A2B3C`; the engine
 * keeps them as numbers (exact up to 2^53, far beyond what an in-browser run writes).
 */
export function parseLsn(text: string): number {
  const m = /^([0-9A-Fa-f]+)\/([0-9A-Fa-f]+)$/.exec(text.trim());
  if (!m) throw new Error(`not an LSN: ${JSON.stringify(text)}`);
  return Number.parseInt(m[1], 16) * 2 ** 32 + Number.parseInt(m[2], 16);
}

export function formatLsn(lsn: number): string {
  const hi = Math.floor(lsn / 2 ** 32);
  const lo = lsn - hi * 2 ** 32;
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`;
}
