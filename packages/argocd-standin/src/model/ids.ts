import { createHash } from 'node:crypto';

/** A stable UUID-shaped id from some seed, so the same object always has the same uid. */
export function stableUid(...seed: string[]): string {
  const hex = createHash('sha1').update(seed.join('\0')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
    12,
    16,
  )}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A short lowercase alphanumeric suffix like the ones Kubernetes puts on ReplicaSets and Pods. */
export function podSuffix(length: number, ...seed: string[]): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = createHash('sha1').update(seed.join('\0')).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** A fake, stable commit-like sha (40 hex digits). */
export function fakeSha(...seed: string[]): string {
  return createHash('sha1').update(seed.join('\0')).digest('hex');
}
