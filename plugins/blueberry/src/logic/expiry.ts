/** Expiry within this much time is "soon", and the card warns about it. */
export const EXPIRY_WARNING_MS = 24 * 60 * 60 * 1000;

export interface Expiry {
  /** "in 5 hours", "2 days ago". */
  relative: string;
  /** Expires within a day, or already expired. */
  soon: boolean;
  expired: boolean;
  at: Date;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 24 * 60 * 60 * 1000],
  ['hour', 60 * 60 * 1000],
  ['minute', 60 * 1000],
];

const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** A time relative to now, in the largest unit that fits ("in 3 hours", "5 minutes ago"). */
export function relativeTime(at: Date, now: Date): string {
  const delta = at.getTime() - now.getTime();
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size)
      return format.format(Math.trunc(delta / size), unit);
  }
  return delta >= 0 ? 'in less than a minute' : 'less than a minute ago';
}

/** When an environment expires, relative to now; undefined for long-lived ones or a bad time. */
export function expiryOf(
  expiresAt: string | null | undefined,
  now: Date,
): Expiry | undefined {
  if (!expiresAt) return undefined;
  const at = new Date(expiresAt);
  if (Number.isNaN(at.getTime())) return undefined;
  const remaining = at.getTime() - now.getTime();
  return {
    relative: relativeTime(at, now),
    soon: remaining < EXPIRY_WARNING_MS,
    expired: remaining <= 0,
    at,
  };
}
