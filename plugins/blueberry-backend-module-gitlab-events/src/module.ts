import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { LocalGitopsRepository } from '@blueberry-idp/plugin-blueberry-node';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MergeRequestTeardown } from './MergeRequestTeardown';

/** The topic GitLab merge request events arrive on (GitlabEventRouter of the events GitLab module). */
export const GITLAB_MERGE_REQUEST_TOPIC = 'gitlab.merge_request';

/**
 * Removes a merge request's environment when GitLab reports it merged or closed. Needs the events
 * backend with `@backstage/plugin-events-backend-module-gitlab` (webhook ingress and router) and the
 * local GitOps repository (`blueberry.gitops.local`); the GitLab merge-request publisher is not built.
 *
 * @public
 */
export const blueberryModuleGitlabEvents = createBackendModule({
  pluginId: 'blueberry',
  moduleId: 'gitlab-events',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        events: eventsServiceRef,
      },
      async init({ config, logger, events }) {
        const local = config.getOptionalConfig('blueberry.gitops.local');
        if (!local) {
          logger.warn(
            'Merge request events are ignored: no blueberry.gitops.local repository (the GitLab merge-request publisher is not built yet)',
          );
          return;
        }
        const repoPath = path.resolve(local.getString('path'));
        const teardown = new MergeRequestTeardown({
          repository: await LocalGitopsRepository.open({
            path: repoPath,
            branch: local.getOptionalString('branch') ?? 'main',
            render: {
              gitops: {
                repoURL:
                  config.getOptionalString('blueberry.gitops.repoURL') ??
                  pathToFileURL(repoPath).href,
                targetRevision: local.getOptionalString('branch') ?? 'main',
              },
            },
          }),
          logger,
        });
        await events.subscribe({
          id: 'blueberry-merge-request-teardown',
          topics: [GITLAB_MERGE_REQUEST_TOPIC],
          onEvent: async ({ eventPayload }) => {
            const outcome = await teardown.handle(eventPayload);
            if (outcome.status === 'ignored') {
              logger.debug(`Merge request event ignored: ${outcome.why}`);
            }
          },
        });
      },
    });
  },
});
