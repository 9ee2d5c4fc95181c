import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type TokenCheck = 'valid' | 'missing' | 'invalid' | 'expired';

/**
 * Bearer tokens as Argo CD checks them: the `Authorization: Bearer` header or the `argocd.token`
 * cookie. The configured token is valid until made to expire; `POST /api/v1/session` issues more.
 */
export class TokenRegistry {
  readonly #tokens = new Map<string, number>(); // token -> expiry (ms since epoch)

  constructor(token: string) {
    this.#tokens.set(token, Number.POSITIVE_INFINITY);
  }

  issue(ttlMs: number): string {
    const token = `standin.${randomBytes(24).toString('base64url')}`;
    this.#tokens.set(token, Date.now() + ttlMs);
    return token;
  }

  /** Makes a token expire now (it stays known, so the answer is "expired", not "invalid"). */
  expire(token: string): void {
    if (this.#tokens.has(token)) this.#tokens.set(token, 0);
  }

  revoke(token: string): void {
    this.#tokens.delete(token);
  }

  check(token: string | undefined, allExpired: boolean): TokenCheck {
    if (!token) return 'missing';
    const expiry = this.#tokens.get(token);
    if (expiry === undefined) return 'invalid';
    if (allExpired || expiry <= Date.now()) return 'expired';
    return 'valid';
  }
}

export function requestToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer '))
    return header.slice('Bearer '.length).trim();
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === 'argocd.token') return decodeURIComponent(rest.join('='));
    }
  }
  return undefined;
}

/** Argo CD's messages for each failure (gRPC Unauthenticated, code 16). */
export const AUTH_MESSAGES: Record<Exclude<TokenCheck, 'valid'>, string> = {
  missing: 'no session information',
  invalid: 'invalid session: token signature is invalid',
  expired: 'invalid session: token has invalid claims: token is expired',
};
