import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import http from 'node:http';
import https from 'node:https';

/** How long the warm-up request may hang before it is dropped (the signals router never answers it). */
const WARMUP_REQUEST_MS = 1_000;

/**
 * The signals backend (1.55 line) starts listening for WebSocket upgrades only when a first upgrade
 * request reaches its router, and leaves that request unanswered: the first browser after every
 * backend start gets no live updates until its client retries, seconds later. This module sends that
 * first upgrade request itself once the backend has started, so every browser's socket opens at once.
 */
export const signalsModuleUpgradeWarmup = createBackendModule({
  pluginId: 'signals',
  moduleId: 'upgrade-warmup',
  register(env) {
    env.registerInit({
      deps: {
        lifecycle: coreServices.lifecycle,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
      },
      async init({ lifecycle, discovery, logger }) {
        lifecycle.addStartupHook(async () => {
          const url = new URL(await discovery.getBaseUrl('signals'));
          const request = (url.protocol === 'https:' ? https : http).request(
            url,
            { headers: { Connection: 'Upgrade', Upgrade: 'websocket' } },
          );
          // It ends by our destroy(); should it fail otherwise, browsers connect on their retry as
          // they would without this module.
          request.on('error', error =>
            logger.debug(`Signals upgrade warm-up ended: ${error.message}`),
          );
          request.end();
          setTimeout(() => request.destroy(), WARMUP_REQUEST_MS).unref();
        });
      },
    });
  },
});
