import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GitopsRepository } from './GitopsRepository';
import { gitopsRepositoryServiceRef } from './gitopsRepositoryServiceRef';
import { LocalGitopsRepository } from './localGitopsRepository';

jest.setTimeout(60_000);

/** A plugin that takes the GitOps repository as a dependency, as the consumers will. */
function pluginReceiving(received: { repository?: GitopsRepository }) {
  return createBackendPlugin({
    pluginId: 'blueberry',
    register(env) {
      env.registerInit({
        deps: { repository: gitopsRepositoryServiceRef },
        async init({ repository }) {
          received.repository = repository;
        },
      });
    },
  });
}

describe('gitopsRepositoryServiceRef', () => {
  it('injects the repository blueberry.gitops names, through its default factory', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-ref-'));
    const received: { repository?: GitopsRepository } = {};
    const backend = await startTestBackend({
      features: [
        pluginReceiving(received),
        mockServices.rootConfig.factory({
          data: { blueberry: { gitops: { local: { path: root } } } },
        }),
      ],
    });
    try {
      expect(received.repository).toBeInstanceOf(LocalGitopsRepository);
      await expect(received.repository!.listEnvironments()).resolves.toEqual(
        [],
      );
    } finally {
      await backend.stop();
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('fails the plugin that needs it, saying what to configure, when blueberry.gitops names none', async () => {
    await expect(
      startTestBackend({
        features: [
          pluginReceiving({}),
          mockServices.rootConfig.factory({ data: {} }),
        ],
      }),
    ).rejects.toThrow(
      /set blueberry.gitops.local, blueberry.gitops.gitlab or blueberry.gitops.github/,
    );
  });
});
