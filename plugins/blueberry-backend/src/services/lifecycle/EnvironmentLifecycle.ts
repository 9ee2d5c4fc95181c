import { NotFoundError } from '@backstage/errors';
import { environmentApplicationPath } from '@blueberry-idp/plugin-blueberry-common';
import {
  proposeEnvironmentRemoval,
  type GitopsChangeRequest,
  type GitopsChangeResult,
  type GitopsRepository,
} from '@blueberry-idp/plugin-blueberry-node';
import {
  GitopsEnvironment,
  readGitopsEnvironment,
  withExpiresAt,
} from './applicationExpiry';
import { againFromAFreshRead, oneChangeAtATime } from './environmentChanges';

/** What removing an environment did. */
export interface TeardownResult {
  /**
   * `absent` when nothing was done this time: the environment was already gone, or a merge or
   * pull request removing it is open already (`change` names it).
   */
  status: 'removed' | 'absent';
  /** The commit (local repository) or the merge or pull request that removes it. */
  change?: string;
}

/**
 * The lifecycle of environments in the GitOps repository, wherever it lives (a local repository,
 * GitLab or GitHub: `GitopsRepository`): reads each environment's expiry and owner from its
 * `application.yaml` on the followed branch, removes an environment by one change deleting its
 * folder's files, and moves its expiry by one change to that file. Each change is one commit
 * locally and a merge or pull request on a Git host (`blueberry/remove-<env>`,
 * `blueberry/keep-<env>`), with the layer's one message format (who, which task, why).
 * Idempotent: removing an environment that is gone, or whose removal is open already, makes
 * nothing, so the janitor proposes each removal once however often and on however many replicas
 * it runs; a Keep while one is open moves that merge or pull request on. One change at a time per
 * environment in this process; a change that failed for a reason not the caller's is made again
 * from a fresh read.
 */
export class EnvironmentLifecycle {
  readonly #repository: GitopsRepository;

  constructor(options: { repository: GitopsRepository }) {
    this.#repository = options.repository;
  }

  /**
   * Every environment of the followed branch that has an application.yaml, from one batched read
   * that fetches only those files (`readEnvironments`).
   */
  async listEnvironments(): Promise<GitopsEnvironment[]> {
    const folders = await this.#repository.readEnvironments({
      filter: path => path === environmentApplicationPath(path.split('/')[1]),
    });
    const environments: GitopsEnvironment[] = [];
    for (const [name, files] of folders) {
      const application = files.get(environmentApplicationPath(name));
      if (application) {
        environments.push(
          readGitopsEnvironment(name, application.toString('utf8')),
        );
      }
    }
    return environments;
  }

  /** One environment of the followed branch, or undefined when its application.yaml is not there. */
  async getEnvironment(name: string): Promise<GitopsEnvironment | undefined> {
    const application = (await this.#repository.readFiles(name)).get(
      environmentApplicationPath(name),
    );
    return application === undefined
      ? undefined
      : readGitopsEnvironment(name, application.toString('utf8'));
  }

  /** Proposes the removal of the environment's folder; `absent` when there is nothing to do. */
  async removeEnvironment(
    request: GitopsChangeRequest,
  ): Promise<TeardownResult> {
    return this.#change(request.environment, async () => {
      const result = await proposeEnvironmentRemoval(this.#repository, request);
      // Another writer removed it first, or its removal is proposed already: nothing done now.
      if (!result) return { status: 'absent' };
      return {
        status: result.alreadyOpen ? 'absent' : 'removed',
        change: changeOf(result),
      };
    });
  }

  /** Sets `blueberry.io/expires-at` in the environment's application.yaml, in one change. */
  async setExpiry(
    request: GitopsChangeRequest & { expiresAt: Date },
  ): Promise<{ change: string }> {
    const { environment } = request;
    const path = environmentApplicationPath(environment);
    return this.#change(environment, async () => {
      const application = (await this.#repository.readFiles(environment)).get(
        path,
      );
      if (application === undefined) {
        throw new NotFoundError(
          `Environment '${environment}' is not in the GitOps repository`,
        );
      }
      const result = await this.#repository.proposeChange({
        environment,
        kind: 'keep',
        summary: `extend environment ${environment}`,
        request: {
          reason: request.reason,
          requestedBy: request.requestedBy,
          task: request.task,
        },
        files: [
          {
            path,
            content: withExpiresAt(
              application.toString('utf8'),
              request.expiresAt,
            ),
          },
        ],
        merging:
          'Merging moves blueberry.io/expires-at; the expiry janitor then leaves the environment until then.',
      });
      return { change: changeOf(result) };
    });
  }

  /** One change of the environment at a time, tried again from a fresh read when it may mend. */
  #change<T>(environment: string, change: () => Promise<T>): Promise<T> {
    return oneChangeAtATime(environment, () => againFromAFreshRead(change));
  }
}

/** The change to name: the merge or pull request, else the commit. */
function changeOf(result: GitopsChangeResult): string {
  return result.url ?? result.revision;
}
