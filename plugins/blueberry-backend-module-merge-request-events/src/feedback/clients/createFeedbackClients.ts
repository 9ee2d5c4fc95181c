import type { Config } from '@backstage/config';
import { CustomErrorBase } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { singleAttemptGitlabRequester } from '@blueberry-idp/plugin-blueberry-node';
import { Gitlab } from '@gitbeaker/rest';
import { Octokit } from '@octokit/rest';
import type { MergeRequestLink } from '../mergeRequestLink';
import type { FeedbackClient } from './FeedbackClient';
import { GithubFeedbackClient } from './GithubFeedbackClient';
import { GitlabFeedbackClient } from './GitlabFeedbackClient';

/**
 * One client per provider, reaching each host through its `integrations.github[]` /
 * `integrations.gitlab[]` entry as Backstage's own GitHub and GitLab modules do: GitHub with a
 * token or a GitHub App installation token (DefaultGithubCredentialsProvider), at the entry's
 * `apiBaseUrl`; GitLab with the entry's token at its `baseUrl`. A merge request on a host with no
 * entry is refused (`FeedbackNotConfiguredError`), so a hand-written annotation cannot send our
 * tokens elsewhere.
 */
export function createFeedbackClients(
  config: Config,
): Record<MergeRequestLink['provider'], FeedbackClient> {
  const integrations = ScmIntegrations.fromConfig(config);
  const githubCredentials =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);

  const github = new GithubFeedbackClient(async link => {
    const integration = integrations.github.byHost(link.host);
    if (!integration) throw noIntegration('github', link);
    const [owner, repo] = link.project.split('/');
    const { token } = await githubCredentials.getCredentials({
      url: `https://${link.host}/${encodeURIComponent(
        owner,
      )}/${encodeURIComponent(repo)}`,
    });
    return new Octokit({
      auth: token,
      baseUrl: integration.config.apiBaseUrl,
      // Retries are the writer's, which honours Retry-After and rate limit resets.
      request: { retries: 0 },
    });
  });

  const gitlabByHost = new Map<string, InstanceType<typeof Gitlab>>();
  const gitlab = new GitlabFeedbackClient(link => {
    const integration = integrations.gitlab.byHost(link.host);
    if (!integration) throw noIntegration('gitlab', link);
    let client = gitlabByHost.get(link.host);
    if (!client) {
      client = new Gitlab({
        host: integration.config.baseUrl,
        token: integration.config.token ?? '',
        // Retries are the writer's, as for GitHub: gitbeaker's own would drop `Retry-After`; no
        // redirect is followed, so the token stays with the integration's host.
        requesterFn: singleAttemptGitlabRequester,
      });
      gitlabByHost.set(link.host, client);
    }
    return client;
  });

  return { github, gitlab };
}

/** A merge request on a host Backstage has no integration for: configuration, not bad input. */
export class FeedbackNotConfiguredError extends CustomErrorBase {
  name = 'FeedbackNotConfiguredError' as const;
}

function noIntegration(provider: string, link: MergeRequestLink): Error {
  return new FeedbackNotConfiguredError(
    `No integrations.${provider} entry for ${link.host}, so ${link.url} hears nothing`,
  );
}
