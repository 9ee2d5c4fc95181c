import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  startGithubGitopsStandIn,
  type GithubGitopsStandIn,
} from '@blueberry-idp/test-utils';
import { generateKeyPairSync } from 'node:crypto';
import { CONTRACT_FILES } from '../contract/gitopsRepositoryContract';
import { readGitopsRepositoryConfig } from '../gitopsRepositoryConfig';
import { createGitopsRepository } from '../gitopsRepositoryServiceRef';
import { GithubGitopsRepository } from './GithubGitopsRepository';

// Real git behind the stand-in on a shared 2-core machine.
jest.setTimeout(60_000);

const TOKEN = 'ghp_config-test-token';
const REQUEST = {
  reason: 'merge request !12 closed',
  requestedBy: 'user:default/jane',
  task: 'test',
};

/** The repository `blueberry.gitops.github` names, built as a backend builds it. */
async function fromConfig(data: object): Promise<GithubGitopsRepository> {
  const repository = await createGitopsRepository(
    readGitopsRepositoryConfig(new ConfigReader(data)),
  );
  expect(repository).toBeInstanceOf(GithubGitopsRepository);
  return repository as GithubGitopsRepository;
}

/**
 * `blueberry.gitops.github` and `integrations.github` (a token or a GitHub App), and what the
 * contract does not cover: a left-over branch, a bad cursor. Against the GitHub stand-in, every
 * request checked against GitHub's OpenAPI description.
 */
describe('GithubGitopsRepository', () => {
  let github: GithubGitopsStandIn;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeEach(async () => {
    github = await startGithubGitopsStandIn({
      owner: 'platform',
      repo: 'gitops',
      files: CONTRACT_FILES,
      token: TOKEN,
      app: {
        appId: 4242,
        publicKey: keys.publicKey
          .export({ type: 'spki', format: 'pem' })
          .toString(),
        installationId: 777,
        account: 'platform',
      },
    });
  });

  afterEach(async () => {
    const problems = [...github.problems];
    await github.close();
    if (problems.length) throw new Error(problems.join('\n'));
  });

  it('reads the repository a URL names, with the token of the integration for its host', async () => {
    const repository = await fromConfig({
      integrations: {
        github: [{ host: 'github.com', apiBaseUrl: github.url, token: TOKEN }],
      },
      blueberry: {
        gitops: { github: { url: 'https://github.com/platform/gitops.git' } },
      },
    });
    expect(repository.branch).toBe('main');
    await expect(repository.listEnvironments()).resolves.toEqual([
      'pr-12',
      'pr-13',
    ]);
    expect(github.authorizations.every(a => a.kind === 'token')).toBe(true);
  });

  it('works as a GitHub App: an installation token for the repository owner, no personal token', async () => {
    const repository = await fromConfig({
      integrations: {
        github: [
          {
            host: 'github.com',
            apiBaseUrl: github.url,
            apps: [
              {
                appId: 4242,
                privateKey: keys.privateKey
                  .export({ type: 'pkcs8', format: 'pem' })
                  .toString(),
                clientId: 'Iv1.standin',
                clientSecret: 'standin-client-secret',
                webhookSecret: 'standin-webhook-secret',
              },
            ],
          },
        ],
      },
      blueberry: {
        gitops: {
          revision: 'main',
          github: { owner: 'platform', repo: 'gitops' },
        },
      },
    });
    const result = await repository.proposeChange({
      environment: 'pr-13',
      kind: 'remove',
      summary: 'remove environment pr-13',
      request: REQUEST,
      files: [{ path: 'environments/pr-13/application.yaml', content: null }],
    });
    expect(result).toMatchObject({ status: 'proposed', alreadyOpen: false });
    expect(github.installationTokens).toHaveLength(1);
    const kinds = new Set(github.authorizations.map(a => a.kind));
    expect(kinds).toEqual(new Set(['app-jwt', 'installation']));
    expect(github.repository.pulls).toMatchObject([
      {
        head: 'blueberry/remove-pr-13',
        base: 'main',
        title: 'Remove environment pr-13',
        body: expect.stringContaining('Requested-by: user:default/jane'),
      },
    ]);
  });

  it('refuses a host with no integration, and a URL that names no repository', () => {
    expect(() =>
      readGitopsRepositoryConfig(
        new ConfigReader({
          blueberry: {
            gitops: {
              github: { url: 'https://ghe.example.com/platform/gitops' },
            },
          },
        }),
      ),
    ).toThrow(/host 'ghe.example.com', which has no integrations.github entry/);
    expect(() =>
      readGitopsRepositoryConfig(
        new ConfigReader({
          blueberry: {
            gitops: { github: { url: 'https://github.com/platform' } },
          },
        }),
      ),
    ).toThrow(/is not a repository URL/);
  });

  it('resets a branch a closed proposal left behind, so the pull request holds exactly this change', async () => {
    await github.repository.push('main', 'fork point', {});
    await github.repository.push(
      'blueberry/remove-pr-13',
      'an abandoned attempt',
      { 'environments/pr-13/stray.yaml': 'stray: true\n' },
    );
    const repository = new GithubGitopsRepository({
      owner: 'platform',
      repo: 'gitops',
      branch: 'main',
      host: 'github.com',
      apiBaseUrl: github.url,
      credentials: {
        getCredentials: async () => ({ type: 'token', token: TOKEN }),
      },
    });
    const result = await repository.proposeChange({
      environment: 'pr-13',
      kind: 'remove',
      summary: 'remove environment pr-13',
      request: REQUEST,
      files: [{ path: 'environments/pr-13/application.yaml', content: null }],
    });
    const files = await repository.readFiles('pr-13', result.revision);
    expect(files.has('environments/pr-13/stray.yaml')).toBe(false);
    expect(files.has('environments/pr-13/application.yaml')).toBe(false);
    expect(files.size).toBeGreaterThan(0);
    expect(await github.repository.head('blueberry/remove-pr-13')).toBe(
      result.revision,
    );
    await expect(
      repository.history('pr-12', { limit: 1, cursor: 'f'.repeat(40) }),
    ).rejects.toThrow(InputError);
  });
});
