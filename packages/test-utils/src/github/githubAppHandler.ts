import { randomBytes } from 'node:crypto';
import {
  githubNotFound,
  type GithubApiApp,
  type GithubApiHandler,
  type GithubApiServer,
} from './githubApiServer';

/**
 * The GitHub App endpoints `DefaultGithubCredentialsProvider` calls: the app's installations, and an
 * installation access token (added to the server's `installationTokens`, which it then accepts).
 */
export function githubAppHandler(
  app: GithubApiApp,
): (server: GithubApiServer) => GithubApiHandler {
  return server =>
    ({ operation }) => {
      const { api } = server;
      switch (operation.operationId) {
        case 'apps/list-installations': {
          const example = api.example(operation, 200)[0];
          return {
            status: 200,
            body: [
              {
                ...example,
                id: app.installationId,
                app_id: app.appId,
                // This path's description inlines the account as `allOf` [Simple User, Enterprise]
                // (`anyOf` elsewhere), so an answer that validates carries both shapes' fields.
                account: {
                  ...example.account,
                  login: app.account,
                  name: app.account,
                  slug: app.account,
                  created_at: example.created_at,
                  updated_at: example.updated_at,
                },
                repository_selection: 'all',
                suspended_at: null,
                suspended_by: null,
              },
            ],
          };
        }
        case 'apps/create-installation-access-token': {
          if (
            Number(operation.pathParams.installation_id) !== app.installationId
          ) {
            return githubNotFound();
          }
          const issued = `ghs_${randomBytes(18).toString('base64url')}`;
          server.installationTokens.push(issued);
          const example = api.example(operation, 201);
          delete example.repositories;
          return {
            status: 201,
            body: {
              ...example,
              token: issued,
              expires_at: new Date(Date.now() + 3600_000)
                .toISOString()
                .replace(/\.\d+Z$/, 'Z'),
              repository_selection: 'all',
            },
          };
        }
        default:
          return undefined;
      }
    };
}
