import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  blueberryEnvironmentFeedExtensionPoint,
  type BlueberryEnvironmentFeed,
} from '@blueberry-idp/plugin-blueberry-node';
import { createFeedbackClients } from './clients/createFeedbackClients';
import { readFeedbackConfig } from './feedbackConfig';
import { FeedbackRecords } from './FeedbackRecords';
import { FeedbackWriter } from './FeedbackWriter';
import { MergeRequestHeads } from '../MergeRequestHeads';

/** How often the writer compares the picture with what merge requests were told (from memory). */
const CHECK_EVERY_SECONDS = 1;

/**
 * Tells each merge request how its environment is doing, from the backend's watch-fed picture:
 * one comment edited in place, and a GitHub deployment status or GitLab commit status. Off unless
 * `blueberry.mergeRequests.feedback` turns on `comments` or `deploymentStatus`. GitHub and GitLab
 * are reached through `integrations.github` / `integrations.gitlab`. The scheduler runs one writer
 * at a time across replicas; what was written is kept in the database.
 *
 * @public
 */
export const blueberryModuleMergeRequestFeedback = createBackendModule({
  pluginId: 'blueberry',
  moduleId: 'merge-request-feedback',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        cache: coreServices.cache,
        scheduler: coreServices.scheduler,
        feedExtension: blueberryEnvironmentFeedExtensionPoint,
      },
      async init({
        config,
        logger,
        database,
        cache,
        scheduler,
        feedExtension,
      }) {
        const feedback = readFeedbackConfig(config);
        if (!feedback) {
          logger.info(
            'Merge request feedback is off: blueberry.mergeRequests.feedback turns on comments or deploymentStatus',
          );
          return;
        }
        let feed: BlueberryEnvironmentFeed | undefined;
        feedExtension.addConsumer({
          connect: connected => {
            feed = connected;
          },
        });
        const records = await FeedbackRecords.create(database);
        const clients = createFeedbackClients(config);
        let writer: FeedbackWriter | undefined;
        await scheduler.scheduleTask({
          id: 'blueberry-merge-request-feedback',
          frequency: { seconds: CHECK_EVERY_SECONDS },
          timeout: { minutes: 5 },
          scope: 'global',
          fn: async () => {
            // The backend plugin hands the feed over during its own init, after ours.
            if (!feed) return;
            writer ??= new FeedbackWriter({
              feed,
              records,
              clients,
              config: feedback,
              logger,
              // Written by the merge request events module, in the same plugin's cache.
              heads: new MergeRequestHeads(cache),
            });
            await writer.run();
          },
        });
      },
    });
  },
});
