import { InputError } from '@backstage/errors';
import { environmentDir } from '@blueberry-idp/plugin-blueberry-common';
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
