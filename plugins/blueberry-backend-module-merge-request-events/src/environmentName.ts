import { createHash } from 'node:crypto';
import { MAX_NAME_LENGTH } from '@blueberry-idp/plugin-blueberry-common';

/** The default of `blueberry.mergeRequests.environmentName`. */
export const DEFAULT_ENVIRONMENT_NAME = '{app}-pr-{number}';

const HASH_LENGTH = 8;

/**
 * The environment name of a merge request: the pattern over `{app}`, `{number}` and `{project}`
 * (the project path or repository name, `/` made `-`), lowercased, every run of other characters
 * than a-z and 0-9 a single `-`. Longer than 53 characters (Helm's release name limit), it is cut
 * and ends in a short hash of the whole name, so two long names never become one.
 */
export function mergeRequestEnvironmentName(
  pattern: string,
  values: { app: string; number: number; project: string },
): string {
  const expanded = pattern
    .replaceAll('{app}', values.app)
    .replaceAll('{number}', String(values.number))
    .replaceAll('{project}', values.project);
  const name = expanded
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (name.length <= MAX_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(name).digest('hex');
  const head = name
    .slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1)
    .replace(/-+$/, '');
  return `${head}-${hash.slice(0, HASH_LENGTH)}`;
}
