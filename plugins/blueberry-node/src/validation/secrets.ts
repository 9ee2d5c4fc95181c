/**
 * Values files live in Git, readable by everyone with access to the GitOps repository, so they must
 * never hold a credential. Secrets come in as references: to a Secret made by an ExternalSecret or a
 * SealedSecret (`existingSecret: shop-db`, `passwordSecretRef: {...}`, `secretKeyRef: {...}`).
 */

// Compared after lowercasing and dropping "-" and "_", so apiKey, api_key and API-KEY are one key.
const SECRET_KEY =
  /password|passwd|passphrase|token|secret|apikey|privatekey|credential|accesskey|connectionstring/;
// Keys that name a secret instead of holding one.
const REFERENCE_KEY =
  /^existingsecret|(secretname|secretref|secretkeyref|secretkey|keyref|secretkeyname|secretstore|secretstoreref)$/;
// Credentials that give themselves away whatever key holds them.
const CREDENTIAL_VALUE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/, // GitHub tokens
  /\bglpat-[A-Za-z0-9_-]{20,}/, // GitLab personal access tokens
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key ids
  /\bxox[abpors]-[A-Za-z0-9-]{10,}/, // Slack tokens
];
const ALLOWED_SECRET_KINDS = new Set(['ExternalSecret', 'SealedSecret']);
/** Keys that would change an object's prototype when merged. */
export const FORBIDDEN_KEYS = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

const MAX_DEPTH = 32;

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

function isSecretKey(key: string): boolean {
  const k = normalise(key);
  return SECRET_KEY.test(k) && !REFERENCE_KEY.test(k);
}

/**
 * The first problem in a values tree: a literal under a secret-like key, a credential-looking string,
 * an embedded Kubernetes Secret, a key that would pollute prototypes, or nesting too deep. Returns the
 * path of the offending value (relative to `path`) and the rule it breaks.
 */
export function valuesProblem(
  value: unknown,
  path: string,
  depth = 0,
  insideSecretObject = false,
): { path: string; rule: string } | undefined {
  if (depth > MAX_DEPTH)
    return { path, rule: `must not nest deeper than ${MAX_DEPTH} levels` };
  if (typeof value === 'string') {
    if (CREDENTIAL_VALUE.some(re => re.test(value))) {
      return {
        path,
        rule: 'looks like a credential; reference a Secret (ExternalSecret or SealedSecret) instead',
      };
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = valuesProblem(
        value[i],
        `${path}[${i}]`,
        depth + 1,
        insideSecretObject,
      );
      if (problem) return problem;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;

  const object = value as Record<string, unknown>;
  if (
    object.kind === 'Secret' &&
    ('data' in object || 'stringData' in object)
  ) {
    return {
      path,
      rule: 'must not embed a Kubernetes Secret; use an ExternalSecret or a SealedSecret',
    };
  }
  // An ExternalSecret or SealedSecret holds references or ciphertext, never a plain credential.
  const isAllowedSecretObject =
    insideSecretObject || ALLOWED_SECRET_KINDS.has(String(object.kind));
  for (const key of Object.keys(object).sort()) {
    const child = object[key];
    const childPath = `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key))
      return { path: childPath, rule: 'is not an allowed key' };
    const literal =
      (typeof child === 'string' && child.length > 0) ||
      typeof child === 'number';
    if (literal && isSecretKey(key) && !isAllowedSecretObject) {
      return {
        path: childPath,
        rule: 'must not hold a literal secret; reference a Secret made by an ExternalSecret or SealedSecret (e.g. existingSecret)',
      };
    }
    const problem = valuesProblem(
      child,
      childPath,
      depth + 1,
      isAllowedSecretObject,
    );
    if (problem) return problem;
  }
  return undefined;
}
