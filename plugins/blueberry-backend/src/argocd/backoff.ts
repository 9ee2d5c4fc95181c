/** Exponential backoff with "equal jitter": a random delay between half and all of min(cap, base * 2^attempt), so retries of many replicas spread out but never hammer at once. */
export function backoffDelay(
  attempt: number,
  { baseMs, capMs }: { baseMs: number; capMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
