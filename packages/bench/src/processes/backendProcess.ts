/**
 * Child process: a real Backstage backend (backend-defaults `createBackend`, config from `--config`)
 * with the catalog and one Argo CD plugin, chosen by the first argument; for ours behind a user token,
 * also the auth backend with guest sign-in and the permission backend with the allow-all policy.
 */
import { createBackend } from '@backstage/backend-defaults';
import { BackendKind, isUserTokenKind } from '../backends';
import { reportMemoryOnRequest } from './memoryReporter';

async function main() {
  reportMemoryOnRequest();
  const kind = process.argv[2] as BackendKind;
  const backend = createBackend();
  backend.add(import('@backstage/plugin-catalog-backend'));
  if (kind === 'blueberry') {
    backend.add(import('@blueberry-idp/plugin-blueberry-backend'));
  } else if (isUserTokenKind(kind)) {
    backend.add(import('@blueberry-idp/plugin-blueberry-backend'));
    backend.add(import('@backstage/plugin-auth-backend'));
    backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
    backend.add(import('@backstage/plugin-permission-backend'));
    backend.add(
      import('@backstage/plugin-permission-backend-module-allow-all-policy'),
    );
  } else if (kind === 'roadie') {
    // The anchors are development dependencies on purpose: nothing but this benchmark may use them.
    // eslint-disable-next-line @backstage/no-undeclared-imports
    backend.add(import('@roadiehq/backstage-plugin-argo-cd-backend'));
  } else if (kind === 'community') {
    // eslint-disable-next-line @backstage/no-undeclared-imports
    backend.add(import('@backstage-community/plugin-argocd-backend'));
  } else {
    throw new Error(`unknown backend ${kind}`);
  }
  await backend.start();
  process.on('SIGTERM', () => {
    backend.stop().then(() => process.exit(0));
  });
  process.send!({ type: 'ready', url: process.env.BENCH_BACKEND_URL });
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
