import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { blueberryPermissions } from '@blueberry-idp/plugin-blueberry-common';
import {
  blueberryEnvironmentFeedExtensionPoint,
  createGitopsRepository,
  readGitopsRepositoryConfig,
  type EnvironmentFeedConsumer,
} from '@blueberry-idp/plugin-blueberry-node';
import { readBlueberryConfig } from './config';
import { createRouter } from './router';
import { ActionRateLimiter } from './services/ActionRateLimiter';
import { EntityAccess } from './services/EntityAccess';
import { EnvironmentAccess } from './services/EnvironmentAccess';
import { EnvironmentFeedPublisher } from './services/EnvironmentFeedPublisher';
import { EnvironmentService } from './services/EnvironmentService';
import { MergeRequestHeadReader } from './services/MergeRequestHeadReader';
import { createLifecycle } from './services/lifecycle/createLifecycle';
import { SignalPublisher } from './services/SignalPublisher';

/**
 * Blueberry's backend plugin: serves the environments of catalog entities from a watch on each Argo
 * CD instance, checks permissions per entity and pushes changes as signals.
 *
 * @public
 */
export const blueberryPlugin = createBackendPlugin({
  pluginId: 'blueberry',
  register(env) {
    const feedConsumers: EnvironmentFeedConsumer[] = [];
    env.registerExtensionPoint(blueberryEnvironmentFeedExtensionPoint, {
      addConsumer: consumer => feedConsumers.push(consumer),
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        scheduler: coreServices.scheduler,
        cache: coreServices.cache,
        notifications: notificationService,
      },
      async init(deps) {
        const config = readBlueberryConfig(deps.config);
        deps.permissionsRegistry.addPermissions(blueberryPermissions);

        const environments = EnvironmentService.create({
          instances: config.instances,
          selector: config.selector,
          logger: deps.logger,
          // What the merge request events module records of each merge request's pushes.
          heads: new MergeRequestHeadReader(deps.cache),
        });
        const signals = new SignalPublisher({
          signals: deps.signals,
          logger: deps.logger,
          coalesceMs: config.signalCoalesceMs,
        });
        environments.addListener(signals);
        if (feedConsumers.length) {
          const feed = new EnvironmentFeedPublisher(environments);
          for (const consumer of feedConsumers) consumer.connect(feed);
        }
        const access = new EnvironmentAccess({
          access: new EntityAccess({
            auth: deps.auth,
            catalog: deps.catalog,
            permissions: deps.permissions,
            ttlMs: config.accessCacheTtlMs,
          }),
          environments,
        });
        // Optional, unlike gitopsRepositoryServiceRef (whose factory fails a plugin when nothing is
        // configured): the same reader and implementations, undefined without blueberry.gitops.
        const repository = await createGitopsRepository(
          readGitopsRepositoryConfig(deps.config),
        );
        const { keeper, history } = await createLifecycle({
          ...deps,
          repository,
        });

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            access,
            rateLimiter: new ActionRateLimiter({
              intervalMs: config.actionIntervalMs,
            }),
            environments,
            signals,
            keeper,
            history,
          }),
        );
        deps.lifecycle.addStartupHook(() => environments.start());
        deps.lifecycle.addShutdownHook(async () => {
          await environments.stop();
          await signals.flush();
        });
      },
    });
  },
});
