import { ConfigReader } from '@backstage/config';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { GitlabGitopsRepository } from './gitlab/GitlabGitopsRepository';
import { LocalGitopsRepository } from './localGitopsRepository';
import { readGitopsRepositoryConfig } from './gitopsRepositoryConfig';
import { createGitopsRepository } from './gitopsRepositoryServiceRef';

const gitlabIntegration = {
  integrations: {
    gitlab: [
      {
        host: 'gitlab.example.com',
        apiBaseUrl: 'https://gitlab.example.com/api/v4',
        token: 'glpat-test',
      },
    ],
  },
};

describe('readGitopsRepositoryConfig', () => {
  it('reads neither repository when blueberry.gitops names none', () => {
    expect(readGitopsRepositoryConfig(new ConfigReader({}))).toEqual({});
  });

  it('resolves the local repository against the working directory, its URL a file URL by default', () => {
    const config = new ConfigReader({
      blueberry: { gitops: { local: { path: '.local/gitops' } } },
    });
    const localPath = path.resolve('.local/gitops');
    expect(readGitopsRepositoryConfig(config)).toEqual({
      local: {
        path: localPath,
        branch: 'main',
        render: {
          gitops: {
            repoURL: pathToFileURL(localPath).href,
            targetRevision: 'main',
          },
        },
      },
    });
  });

  it('prefers the local repository to GitLab, and takes repoURL and revision as configured', () => {
    const config = new ConfigReader({
      ...gitlabIntegration,
      blueberry: {
        gitops: {
          repoURL: 'https://git.example.com/gitops.git',
          revision: 'live',
          local: { path: '/srv/gitops', branch: 'work' },
          gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
        },
      },
    });
    expect(readGitopsRepositoryConfig(config)).toEqual({
      local: {
        path: path.resolve('/srv/gitops'),
        branch: 'work',
        render: {
          gitops: {
            repoURL: 'https://git.example.com/gitops.git',
            targetRevision: 'live',
          },
        },
      },
    });
  });

  it('reads the GitLab repository with the token of the integration for its host', () => {
    const config = new ConfigReader({
      ...gitlabIntegration,
      blueberry: {
        gitops: {
          revision: 'live',
          gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
        },
      },
    });
    expect(readGitopsRepositoryConfig(config)).toEqual({
      gitlab: {
        apiBaseUrl: 'https://gitlab.example.com/api/v4',
        token: 'glpat-test',
        project: 'platform/gitops',
        branch: 'live',
      },
    });
  });

  it('refuses a GitLab host without an integration token', () => {
    const config = new ConfigReader({
      blueberry: {
        gitops: {
          gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
        },
      },
    });
    expect(() => readGitopsRepositoryConfig(config)).toThrow(
      "blueberry.gitops.gitlab.host 'gitlab.example.com' has no integrations.gitlab entry with a token",
    );
  });

  it('builds the implementation the config names, and none when it names none', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-config-'));
    try {
      const local = await createGitopsRepository(
        readGitopsRepositoryConfig(
          new ConfigReader({
            blueberry: { gitops: { local: { path: root } } },
          }),
        ),
      );
      expect(local).toBeInstanceOf(LocalGitopsRepository);
      await expect(local!.listEnvironments()).resolves.toEqual([]);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
    const gitlab = await createGitopsRepository(
      readGitopsRepositoryConfig(
        new ConfigReader({
          ...gitlabIntegration,
          blueberry: {
            gitops: {
              gitlab: {
                host: 'gitlab.example.com',
                project: 'platform/gitops',
              },
            },
          },
        }),
      ),
    );
    expect(gitlab).toBeInstanceOf(GitlabGitopsRepository);
    await expect(
      createGitopsRepository(readGitopsRepositoryConfig(new ConfigReader({}))),
    ).resolves.toBeUndefined();
  });
});
