import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  BLUEBERRY_ANNOTATIONS,
  blueberryEnvironmentDestroyPermission,
} from '@blueberry-idp/plugin-blueberry-common';
import type { Config } from '@backstage/config';
import {
  GitlabGitopsRepository,
  GitopsEnvironmentReader,
  LocalGitopsRepository,
  readGitopsRepositoryConfig,
} from '@blueberry-idp/plugin-blueberry-node';
import { parse } from 'yaml';

/**
 * Checks, where a change is made, that the task's initiator may change an environment: the
 * permission is asked on the catalog entity the environment RECORDS as its source
 * (`blueberry.io/source-entity` in the `application.yaml` committed to the GitOps repository Argo
 * CD follows), with the initiator's credentials. Never on what the template input names: a
 * caller's `entity`, `app` or `sourceEntity` parameter cannot widen what it may touch. The
 * workspace copy is not read either; a template controls it.
 */
export class EnvironmentOwnership {
  readonly #permissions: PermissionsService;
  readonly #repository: GitopsEnvironmentReader | undefined;

  constructor(options: {
    permissions: PermissionsService;
    /** The GitOps repository Argo CD follows; undefined when none is configured. */
    repository: GitopsEnvironmentReader | undefined;
  }) {
    this.#permissions = options.permissions;
    this.#repository = options.repository;
  }

  /**
   * Resolves when the environment is not in the repository (nothing of anyone's is changed) or
   * when the initiator holds `permission` on its recorded source entity; NotAllowedError otherwise
   * (also when it records none, unless the policy grants the permission on every entity, and when
   * no repository is configured to read it from).
   */
  async check(
    ctx: { getInitiatorCredentials(): Promise<BackstageCredentials> },
    environment: string,
    permission: EnvironmentPermission,
  ): Promise<{ sourceEntity?: string }> {
    if (!this.#repository) {
      throw new NotAllowedError(
        `Cannot check who owns environment '${environment}': no GitOps repository is configured (blueberry.gitops.local or blueberry.gitops.gitlab)`,
      );
    }
    const application = await this.#repository.readApplication(environment);
    if (application === undefined) return {};
    const sourceEntity = recordedSourceEntity(application);
    const credentials = await ctx.getInitiatorCredentials();
    if (!sourceEntity) {
      // Only a caller granted the permission on every entity (an admin) may change it.
      const [general] = await this.#permissions.authorizeConditional(
        [{ permission }],
        { credentials },
      );
      if (general.result === 'ALLOW') return {};
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
    return { sourceEntity };
  }
}

/** A Blueberry permission checked on a catalog entity (they all are). */
type EnvironmentPermission = typeof blueberryEnvironmentDestroyPermission;

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

/**
 * The GitOps repository `blueberry.gitops` names (local, else GitLab), to read what environments
 * record; undefined when neither is configured. The local one is opened on first use.
 */
export function gitopsReaderFromConfig(
  config: Config,
): GitopsEnvironmentReader | undefined {
  const { local, gitlab } = readGitopsRepositoryConfig(config);
  if (local) {
    let opened: Promise<LocalGitopsRepository> | undefined;
    const open = () => (opened ??= LocalGitopsRepository.open(local));
    return {
      listEnvironments: async () => (await open()).listEnvironments(),
      readApplication: async name => (await open()).readApplication(name),
    };
  }
  return gitlab ? new GitlabGitopsRepository(gitlab) : undefined;
}
