import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderServiceRef } from '@backstage/plugin-scaffolder-node';
import { durationToMilliseconds } from '@backstage/types';
import { gitopsRepositoryServiceRef } from '@blueberry-idp/plugin-blueberry-node';
import { EventOrder } from './EventOrder';
import { MergeRequestHeads } from './MergeRequestHeads';
import type { MergeRequestChange } from './MergeRequestChange';
import { MergeRequestEnvironments } from './MergeRequestEnvironments';
import {
  GITHUB_PULL_REQUEST_TOPIC,
  parseGithubPullRequestEvent,
} from './providers/github';
import {
  GITLAB_MERGE_REQUEST_TOPIC,
  parseGitlabMergeRequestHook,
} from './providers/gitlab';
import { TemplateEnvironmentCreator } from './TemplateEnvironmentCreator';

const PARSERS: Record<
  string,
  (payload: unknown) => MergeRequestChange | undefined
> = {
  [GITLAB_MERGE_REQUEST_TOPIC]: parseGitlabMergeRequestHook,
  [GITHUB_PULL_REQUEST_TOPIC]: parseGithubPullRequestEvent,
};

/**
 * Keeps merge request environments in step with GitLab merge requests and GitHub pull requests:
 * created through the "Create environment" template when one opens with the configured label
 * (`blueberry.mergeRequests.label`), removed when it is merged, closed or loses the label. Needs the
 * events backend with the events GitLab and/or GitHub module (webhook ingress and router), and the
 * GitOps repository of `gitopsRepositoryServiceRef` (`blueberry.gitops`: local, removal by commit;
 * GitLab or GitHub, removal by merge or pull request).
 *
 * @public
 */
export const blueberryModuleMergeRequestEvents = createBackendModule({
  pluginId: 'blueberry',
  moduleId: 'merge-request-events',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        cache: coreServices.cache,
        events: eventsServiceRef,
        catalog: catalogServiceRef,
        scaffolder: scaffolderServiceRef,
        repository: gitopsRepositoryServiceRef,
      },
      async init({
        config,
        logger,
        auth,
        cache,
        events,
        catalog,
        scaffolder,
        repository,
      }) {
        const settings = config.getOptionalConfig('blueberry.mergeRequests');
        const label = settings?.getOptionalString('label');
        // Always there: pushes move environments made by hand for a merge request too; creation
        // from events needs the label.
        const environments = new MergeRequestEnvironments({
          repository,
          logger,
          creator: new TemplateEnvironmentCreator({
            scaffolder,
            catalog,
            auth,
            logger,
            templateRef:
              settings?.getOptionalString('templateRef') ??
              'template:default/create-environment',
            taskTimeoutMs: settings?.has('taskTimeout')
              ? durationToMilliseconds(
                  readDurationFromConfig(settings, { key: 'taskTimeout' }),
                )
              : 120_000,
            environmentName: settings?.getOptionalString('environmentName'),
          }),
          order: new EventOrder(cache),
          label,
        });
        // What the merge request's newest head is, and why its environment is not on it yet: read
        // by the feedback module, which says it in the merge request's comment.
        const heads = new MergeRequestHeads(cache);
        await events.subscribe({
          id: 'blueberry-merge-request-environments',
          topics: Object.keys(PARSERS),
          onEvent: async ({ topic, eventPayload }) => {
            const change = PARSERS[topic]?.(eventPayload);
            if (!change) {
              logger.debug(
                `Event on ${topic} ignored: not a merge request event we read`,
              );
              return;
            }
            const outcome = await environments.handle(change);
            await heads.record(change, outcome);
            const summary = `${change.provider} ${change.event} ${change.url}: ${outcome.status}`;
            if (outcome.status === 'failed') {
              logger.warn(`${summary} (${outcome.why})`);
            } else {
              logger.info(
                'why' in outcome ? `${summary} (${outcome.why})` : summary,
              );
            }
          },
        });
      },
    });
  },
});
