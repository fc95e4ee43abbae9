/**
 * Availability arithmetic: nines to downtime a year (99.5% = 43.8 h, 99.99% = 52.6 min),
 * and the availability a measured failover time and a failure rate give. Pure.
 */
export const MS_PER_YEAR = 365 * 24 * 3600 * 1000;

export function downtimePerYearMs(availability: number): number {
  return (1 - availability) * MS_PER_YEAR;
}

/** Availability if the primary fails `failuresPerYear` times and each failover takes `downtimeMs`. */
export function availabilityFrom(downtimeMs: number, failuresPerYear: number): number {
  return Math.max(0, 1 - (downtimeMs * failuresPerYear) / MS_PER_YEAR);
}

/** "52.6 min", "43.8 h", "31.5 s": the unit a person would use. */
export function formatDuration(ms: number): string {
  if (ms >= 3600_000) return `${(ms / 3600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 1000).toFixed(1)} s`;
}
