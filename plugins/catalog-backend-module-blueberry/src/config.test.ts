import { ConfigReader } from '@backstage/config';
import { readCatalogModuleConfig } from './config';

describe('readCatalogModuleConfig', () => {
  const gitlab = {
    integrations: {
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
          token: 'glpat-x',
        },
      ],
    },
    blueberry: {
      gitops: {
        gitlab: { host: 'gitlab.example.com', project: 'platform/gitops' },
      },
    },
  };

  it('checks the head every 3 s on the local repository and every 30 s on a Git host', () => {
    expect(
      readCatalogModuleConfig(
        new ConfigReader({
          blueberry: { gitops: { local: { path: '/srv/gitops' } } },
        }),
      ).headPollMs,
    ).toBe(3000);
    expect(readCatalogModuleConfig(new ConfigReader(gitlab)).headPollMs).toBe(
      30_000,
    );
    expect(
      readCatalogModuleConfig(
        new ConfigReader({
          ...gitlab,
          blueberry: { ...gitlab.blueberry, catalog: { headPollSeconds: 0 } },
        }),
      ).headPollMs,
    ).toBe(0);
  });

  it("locates an environment's files where people open them: the file, or its page on GitLab or GitHub", () => {
    const file = 'environments/pr-1/application.yaml';
    expect(
      readCatalogModuleConfig(
        new ConfigReader({
          blueberry: { gitops: { local: { path: '/srv/gitops' } } },
        }),
      ).locationOf(file),
    ).toBe(`file:/srv/gitops/${file}`);
    expect(
      readCatalogModuleConfig(new ConfigReader(gitlab)).locationOf(file),
    ).toBe(
      `url:https://gitlab.example.com/platform/gitops/-/blob/main/${file}`,
    );
    expect(
      readCatalogModuleConfig(
        new ConfigReader({
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: 'https://api.github.com',
                token: 'ghp_x',
              },
            ],
          },
          blueberry: {
            gitops: {
              revision: 'release/1',
              github: { url: 'https://github.com/platform/gitops' },
            },
          },
        }),
      ).locationOf(file),
    ).toBe(`url:https://github.com/platform/gitops/blob/release/1/${file}`);
  });

  it('refuses a negative head poll', () => {
    expect(() =>
      readCatalogModuleConfig(
        new ConfigReader({
          blueberry: {
            gitops: { local: { path: '/srv/gitops' } },
            catalog: { headPollSeconds: -1 },
          },
        }),
      ),
    ).toThrow('blueberry.catalog.headPollSeconds must be 0 or more');
  });
});
