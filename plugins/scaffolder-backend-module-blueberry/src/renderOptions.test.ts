import { ConfigReader } from '@backstage/config';
import { readGitopsRenderOptions } from '@blueberry-idp/plugin-blueberry-node';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The module renders with readGitopsRenderOptions: what the Applications name, on each host.
describe('readGitopsRenderOptions, as the module reads blueberry.gitops', () => {
  const read = (gitops: object) =>
    readGitopsRenderOptions(new ConfigReader({ blueberry: { gitops } }));

  it("names the repository's own URL and branch by default: local, GitLab, GitHub", () => {
    expect(read({ local: { path: '.local/gitops', branch: 'trunk' } })).toEqual(
      {
        render: {
          gitops: {
            repoURL: pathToFileURL(path.resolve('.local/gitops')).href,
            targetRevision: 'trunk',
          },
        },
        checkCharts: true,
      },
    );
    expect(
      read({
        gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
      })?.render.gitops,
    ).toEqual({
      repoURL: 'https://gitlab.example.com/platform/gitops.git',
      targetRevision: 'main',
    });
    expect(
      read({
        github: { url: 'https://github.com/platform/gitops', branch: 'live' },
      })?.render.gitops,
    ).toEqual({
      repoURL: 'https://github.com/platform/gitops.git',
      targetRevision: 'live',
    });
    expect(
      read({
        github: { host: 'ghe.example.com', owner: 'platform', repo: 'gitops' },
      })?.render.gitops.repoURL,
    ).toBe('https://ghe.example.com/platform/gitops.git');
  });

  it('takes every render option as configured', () => {
    expect(
      read({
        repoURL: 'ssh://git@gitlab.example.com/platform/gitops.git',
        revision: 'release',
        checkCharts: false,
        namespacePattern: 'preview-{environment}',
        sourceRepos: ['https://charts.example.com/*'],
        argocd: { namespace: 'gitops', project: 'previews' },
        gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
      }),
    ).toEqual({
      render: {
        gitops: {
          repoURL: 'ssh://git@gitlab.example.com/platform/gitops.git',
          targetRevision: 'release',
          namespacePattern: 'preview-{environment}',
          sourceRepos: ['https://charts.example.com/*'],
        },
        argocd: { namespace: 'gitops', project: 'previews' },
      },
      checkCharts: false,
    });
  });

  it('is undefined when nothing names a repository', () => {
    expect(readGitopsRenderOptions(new ConfigReader({}))).toBeUndefined();
    expect(read({ sourceRepos: ['https://charts.example.com/*'] })).toBe(
      undefined,
    );
  });
});
