import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  BLUEBERRY_ANNOTATIONS,
  blueberryEnvironmentDestroyPermission,
  environmentApplicationPath,
} from '@blueberry-idp/plugin-blueberry-common';
import type { GitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import { parse } from 'yaml';

/**
 * An environment as the GitOps repository's followed branch holds it.
 *
 * @public
 */
export interface RecordedEnvironment {
  /** Its files by repository path; empty when the repository does not hold it. */
  files: Map<string, Buffer>;
  /** Its `application.yaml`, when it has one. */
  application?: string;
  /** The source entity it records (`blueberry.io/source-entity`), when it records one. */
  sourceEntity?: string;
}

/**
 * Checks, where a change is made, that the task's initiator may change an environment: the
 * permission is asked on the catalog entity the environment RECORDS as its source
 * (`blueberry.io/source-entity` in the `application.yaml` on the branch Argo CD follows, read
 * through the GitOps repository layer, whether local, GitLab or GitHub), with the initiator's
 * credentials. Never on what the template input names: a caller's `entity`, `app` or
 * `sourceEntity` parameter cannot widen what it may touch. The workspace is not read either; a
 * template controls it.
 *
 * @public
 */
export class EnvironmentOwnership {
  readonly #permissions: PermissionsService;
  readonly #repository: Pick<GitopsRepository, 'readFiles'>;

  constructor(options: {
    permissions: PermissionsService;
    /** The GitOps repository Argo CD follows. */
    repository: Pick<GitopsRepository, 'readFiles'>;
  }) {
    this.#permissions = options.permissions;
    this.#repository = options.repository;
  }

  /**
   * The environment as the repository holds it, once the initiator holds `permission` on its
   * recorded source entity; nothing is asked when the repository does not hold it (nothing of
   * anyone's is changed). NotAllowedError otherwise, also when it records no source entity,
   * unless the policy grants the permission on every entity (an admin).
   */
  async check(
    ctx: { getInitiatorCredentials(): Promise<BackstageCredentials> },
    environment: string,
    permission: EnvironmentPermission,
  ): Promise<RecordedEnvironment> {
    const files = await this.#repository.readFiles(environment);
    if (files.size === 0) return { files };
    const application = files
      .get(environmentApplicationPath(environment))
      ?.toString('utf8');
    const sourceEntity = application && recordedSourceEntity(application);
    const credentials = await ctx.getInitiatorCredentials();
    if (!sourceEntity) {
      // Only a caller granted the permission on every entity (an admin) may change it.
      const [general] = await this.#permissions.authorizeConditional(
        [{ permission }],
        { credentials },
      );
      if (general.result === 'ALLOW') return { files, application };
      throw new NotAllowedError(
        `Environment '${environment}' records no ${BLUEBERRY_ANNOTATIONS.sourceEntity}; only an admin or a change by merge request can alter it`,
      );
    }
    const [decision] = await this.#permissions.authorize(
      [{ permission, resourceRef: sourceEntity }],
      { credentials },
    );
    // AuthorizeResult.ALLOW; compared by value so this module needs no permission-common import.
    if (decision.result !== 'ALLOW') {
      throw new NotAllowedError(
        `Not allowed: ${permission.name} on environment '${environment}' (it belongs to ${sourceEntity})`,
      );
    }
    return { files, application, sourceEntity };
  }
}

/**
 * A Blueberry permission checked on a catalog entity (they all are).
 *
 * @public
 */
export type EnvironmentPermission =
  typeof blueberryEnvironmentDestroyPermission;

function recordedSourceEntity(applicationYaml: string): string | undefined {
  let value: unknown;
  try {
    value =
      parse(applicationYaml)?.metadata?.annotations?.[
        BLUEBERRY_ANNOTATIONS.sourceEntity
      ];
  } catch {
    return undefined;
  }
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
