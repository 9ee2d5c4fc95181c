import { InputError } from '@backstage/errors';

/**
 * The placeholders each kind of blueprint pattern may use.
 *
 * @public
 */
export const PATTERN_VARIABLES = {
  tag: ['sha', 'shortSha', 'number', 'branch'],
  host: ['component', 'environment'],
} as const;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The rule a pattern breaks (an unknown placeholder), or undefined. */
export function patternProblem(
  pattern: string,
  allowed: readonly string[],
): string | undefined {
  for (const [, name] of pattern.matchAll(PLACEHOLDER)) {
    if (!allowed.includes(name)) {
      return `uses {${name}}, which is not one of ${allowed
        .map(a => `{${a}}`)
        .join(', ')}`;
    }
  }
  return undefined;
}

/**
 * What an application commit gives the tag patterns.
 *
 * @public
 */
export interface SourceRevision {
  /** The full commit SHA (40 hex digits). */
  sha?: string;
  /** The merge request number. */
  number?: number;
  /** The branch, as Git names it (`feature/checkout`). */
  branch?: string;
}

/**
 * A branch as a tag or name part, as GitLab's CI_COMMIT_REF_SLUG makes it (what CI pipelines tag
 * images with): lowercased, every run of other characters than a-z and 0-9 a single `-`, at most 63
 * characters, no `-` at either end.
 *
 * @public
 */
export function branchSlug(branch: string): string {
  return branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
}

/**
 * Expands a tag pattern. A placeholder without a value is an InputError naming the field, so a
 * blueprint that tags by commit cannot quietly deploy something else.
 *
 * @public
 */
export function expandTagPattern(
  pattern: string,
  revision: SourceRevision,
  field: string,
): string {
  const values: Record<string, string | undefined> = {
    sha: revision.sha,
    shortSha: revision.sha?.slice(0, 7),
    number: revision.number !== undefined ? String(revision.number) : undefined,
    branch:
      revision.branch !== undefined ? branchSlug(revision.branch) : undefined,
  };
  const given: Record<string, string> = {
    sha: 'commit',
    shortSha: 'commit',
    number: 'merge request number',
    branch: 'branch',
  };
  return pattern.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (!value) {
      throw new InputError(
        `${field} '${pattern}' uses {${name}}, but no ${given[name]} was given`,
      );
    }
    return value;
  });
}
