import { InputError } from '@backstage/errors';
import {
  environmentDir,
  ENVIRONMENTS_DIR,
} from '@blueberry-idp/plugin-blueberry-common';
import { validateEnvironmentName } from '../validation/environmentRequest';

/** A full commit SHA: what every revision and cursor of the GitOps repository layer is. */
export const FULL_SHA = /^[0-9a-f]{40}$/;

/** `environments/<env>` for a valid environment name; InputError for another. */
export function environmentFolder(environment: string): string {
  return environmentDir(validateEnvironmentName(environment, 'environment'));
}

/** InputError unless `value` is absent or a full commit SHA; `label` names it in the message. */
export function requireFullSha(value: string | undefined, label?: string) {
  if (value !== undefined && !FULL_SHA.test(value)) {
    throw new InputError(
      `${label ? `${label} ` : ''}'${value}' is not a full commit SHA`,
    );
  }
}

/**
 * The environment a repository path is a file of (`environments/<env>/...`); undefined for a
 * path elsewhere or directly under `environments/` (not an environment's).
 */
export function environmentOfPath(repositoryPath: string): string | undefined {
  const [top, environment, ...rest] = repositoryPath.split('/');
  return top === ENVIRONMENTS_DIR && environment && rest.length > 0
    ? environment
    : undefined;
}

/**
 * The blob paths of an `environments/` tree grouped by environment, each environment listed (so
 * one with no kept file is still there), and the paths `filter` keeps: what `readEnvironments`
 * then fetches.
 */
export function environmentsOfTree(
  paths: string[],
  filter: (path: string) => boolean = () => true,
): { environments: Map<string, Map<string, Buffer>>; wanted: string[] } {
  const environments = new Map<string, Map<string, Buffer>>();
  const wanted: string[] = [];
  for (const file of [...paths].sort()) {
    const environment = environmentOfPath(file);
    if (!environment) continue;
    if (!environments.has(environment))
      environments.set(environment, new Map());
    if (filter(file)) wanted.push(file);
  }
  return { environments, wanted };
}
