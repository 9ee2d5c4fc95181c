/**
 * Time to live: how long a throw-away environment may run before the expiry janitor retires it.
 * Written as a whole number of hours, days or weeks (`72h`, `7d`, `2w`).
 */

const TTL = /^([1-9][0-9]{0,4})([hdw])$/;
const HOURS_PER_UNIT = { h: 1, d: 24, w: 24 * 7 } as const;
/**
 * The longest TTL accepted: anything longer is a long-lived environment and should say so.
 *
 * @public
 */
export const MAX_TTL_HOURS = 24 * 365;

/**
 * The rule a TTL breaks, or undefined.
 *
 * @public
 */
export function ttlProblem(ttl: string): string | undefined {
  const match = TTL.exec(ttl);
  if (!match)
    return 'must be a whole number of hours, days or weeks, such as 72h, 7d or 2w';
  if (ttlHours(ttl) > MAX_TTL_HOURS) {
    return `must be at most ${
      MAX_TTL_HOURS / 24
    }d; use the long-lived type for longer`;
  }
  return undefined;
}

/**
 * The TTL in hours; assumes a valid TTL.
 *
 * @public
 */
export function ttlHours(ttl: string): number {
  const [, amount, unit] = TTL.exec(ttl)!;
  return Number(amount) * HOURS_PER_UNIT[unit as keyof typeof HOURS_PER_UNIT];
}

/**
 * The RFC 3339 expiry (whole seconds, UTC) of a TTL counted from `now`.
 *
 * @public
 */
export function expiresAt(ttl: string, now: Date): string {
  const at = new Date(now.getTime() + ttlHours(ttl) * 3600_000);
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
