import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type {
  ProposeGitopsChangeActionInput,
  ProposeGitopsChangeActionOutput,
} from './actionTypes';
import {
  blueberryEnvironmentDestroyPermission,
  blueberryEnvironmentUpdatePermission,
  environmentDir,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  GitopsChangeResult,
  GitopsFileEdit,
  GitopsRepository,
  inputErrorFromZod,
  listFiles,
  resolveRepositoryPath,
  validateEnvironmentName,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z as zod } from 'zod';
import type { EnvironmentOwnership } from './environmentOwnership';
import { examples } from './proposeGitopsChange.examples';
import { workspaceFolder } from './workspace';

/**
 * The id of the action that proposes a change of the GitOps repository.
 *
 * @public
 */
export const PROPOSE_GITOPS_CHANGE_ACTION_ID = 'blueberry:gitops:propose';

const actionOptions = zod.object({
  sourcePath: zod.string().default('.'),
  remove: zod.boolean().default(false),
  update: zod.boolean().default(false),
  reason: zod.string().max(2000).optional(),
  // One trailer line: no line breaks.
  requestedBy: zod
    .string()
    .regex(/^[^\r\n]{1,200}$/, 'must be one line of at most 200 characters')
    .optional(),
});

/**
 * What the action made: a commit, or a merge or pull request that holds the change.
 *
 * @public
 */
export type ProposedChange = {
  kind: 'commit' | 'merge-request' | 'pull-request';
  url?: string;
  revision: string;
};

/**
 * `blueberry:gitops:propose`: publishes the workspace's `environments/<environment>/` (or its
 * removal) to the GitOps repository `blueberry.gitops` names, through the GitOps repository layer:
 * one commit on the local repository of the embedded setup, a merge request on GitLab, a pull
 * request on GitHub. An update replaces the folder: files the repository holds that the workspace
 * no longer has are deleted in the same change. Refuses (ConflictError) an environment that exists
 * unless `update`; replacing or removing one needs `blueberry.environment.update` or `.destroy` on
 * the source entity it records (EnvironmentOwnership). A dry run checks the same and changes
 * nothing. A repeat finds the change already made (the layer is idempotent).
 *
 * @public
 */
export function createBlueberryGitopsProposeAction(options: {
  repository: GitopsRepository;
  ownership: EnvironmentOwnership;
  auth: Pick<AuthService, 'isPrincipal'>;
}): TemplateAction<
  ProposeGitopsChangeActionInput,
  ProposeGitopsChangeActionOutput,
  'v2'
> {
  return createTemplateAction({
    id: PROPOSE_GITOPS_CHANGE_ACTION_ID,
    description:
      'Publishes an environment folder rendered in the workspace (or its removal) to the GitOps repository configured at blueberry.gitops: one commit on a local repository, a merge request on GitLab, a pull request on GitHub; its message says who asked, which task and why.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        environment: z =>
          z.string().describe('The environment to publish, such as pr-123.'),
        sourcePath: z =>
          z
            .string()
            .default('.')
            .describe(
              'Folder in the workspace that holds environments/<environment>/; default the workspace root.',
            ),
        remove: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Propose the removal of the environment instead (the workspace is not read).',
            ),
        update: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Replace an environment that exists in the repository instead of refusing it.',
            ),
        reason: z =>
          z
            .string()
            .optional()
            .describe('Why, for the commit message and the merge request.'),
        requestedBy: z =>
          z
            .string()
            .optional()
            .describe(
              'Who asked, when a backend service started the task on their behalf (such as gitlab:jane for a merge request event). Ignored when a user started the task: the user is who asked.',
            ),
      },
      output: {
        change: z =>
          z
            .object({
              kind: z
                .enum(['commit', 'merge-request', 'pull-request'])
                .describe(
                  'A commit on the followed branch, or the merge or pull request that holds the change.',
                ),
              url: z
                .string()
                .optional()
                .describe('The merge or pull request; absent for a commit.'),
              revision: z
                .string()
                .describe(
                  "The commit that holds the change: the branch's, or the proposal branch's head.",
                ),
            })
            .describe('What was made; absent in a dry run.'),
      },
    },
    async handler(ctx) {
      const raw = (ctx.input ?? {}) as Record<string, unknown>;
      const environment = validateEnvironmentName(
        raw.environment,
        'environment',
      );
      const parsed = actionOptions.safeParse({
        sourcePath: raw.sourcePath,
        remove: raw.remove,
        update: raw.update,
        reason: raw.reason || undefined,
        requestedBy: raw.requestedBy || undefined,
      });
      if (!parsed.success) throw inputErrorFromZod(parsed.error, 'input');
      const { sourcePath, remove, update, reason, requestedBy } = parsed.data;
      // The workspace is read before the repository, so bad input is refused with nothing asked.
      const wanted = remove
        ? undefined
        : await workspaceFiles(ctx.workspacePath, sourcePath, environment);

      const current = await options.ownership.check(
        ctx,
        environment,
        remove
          ? blueberryEnvironmentDestroyPermission
          : blueberryEnvironmentUpdatePermission,
      );
      const exists = current.files.size > 0;
      if (remove && !exists) {
        throw new NotFoundError(
          `Environment '${environment}' is not in the GitOps repository`,
        );
      }
      if (!remove && exists && !update) {
        throw new ConflictError(
          `Environment '${environment}' already exists in the GitOps repository; ask for an update to change it`,
        );
      }
      let verb: 'create' | 'update' | 'remove' = exists ? 'update' : 'create';
      if (remove) verb = 'remove';
      const files = folderReplacement(current.files, wanted);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ${verb} environment ${environment} in the GitOps repository (${files.length} files)`,
        );
        return;
      }

      const user =
        ctx.user?.ref ??
        onBehalfOf(await ctx.getInitiatorCredentials(), requestedBy, options);
      // A resumed task answers what the first run made (JSON, as checkpoints store it).
      const { change, status, alreadyOpen } = await ctx.checkpoint({
        key: `blueberry.gitops.propose.${verb}.${environment}`,
        fn: async () => {
          const result = await options.repository.proposeChange({
            environment,
            kind: verb,
            summary: `${verb} environment ${environment}`,
            request: {
              reason:
                reason?.trim() || 'Requested through the Backstage scaffolder.',
              requestedBy: user ?? 'unknown',
              task: ctx.task.id,
            },
            files,
            merging:
              verb === 'remove'
                ? `Merging removes environment ${environment}; Argo CD prunes what it made.`
                : `Merging deploys environment ${environment}; Argo CD syncs it.`,
          });
          return {
            change: describeChange(result),
            status: result.status,
            alreadyOpen: result.alreadyOpen,
          };
        },
      });
      ctx.logger.info(
        status === 'unchanged'
          ? `Environment ${environment} is unchanged at ${change.revision}; nothing proposed`
          : `Proposed ${verb} of environment ${environment} as ${
              change.url ?? `commit ${change.revision}`
            }${alreadyOpen ? ' (the proposal was open already)' : ''}`,
      );
      ctx.output('change', change);
    },
  });
}

/**
 * The workspace's `environments/<environment>/` files by repository path; InputError when the
 * folder is missing, empty or outside the workspace.
 */
async function workspaceFiles(
  workspacePath: string,
  sourcePath: string,
  environment: string,
): Promise<Map<string, Buffer>> {
  const root = workspaceFolder(workspacePath, sourcePath, 'sourcePath');
  const dir = resolveRepositoryPath(root, environmentDir(environment));
  const present = await fs.stat(dir).then(
    s => s.isDirectory(),
    () => false,
  );
  const names = present ? await listFiles(dir) : [];
  if (names.length === 0) {
    throw new InputError(
      `Invalid input: ${path.posix.join(
        sourcePath,
        environmentDir(environment),
      )} holds no files in the workspace; render it first (blueberry:environment:create)`,
    );
  }
  const files = new Map<string, Buffer>();
  for (const name of names) {
    files.set(
      `${environmentDir(environment)}/${name}`,
      await fs.readFile(path.join(dir, name)),
    );
  }
  return files;
}

/**
 * The edits that make the repository's folder exactly `wanted` (undefined: no folder at all):
 * every wanted file written, every other file of the folder deleted.
 */
function folderReplacement(
  current: Map<string, Buffer>,
  wanted: Map<string, Buffer> | undefined,
): GitopsFileEdit[] {
  const edits: GitopsFileEdit[] = [...(wanted ?? new Map())].map(
    ([file, content]) => ({ path: file, content }),
  );
  for (const file of current.keys()) {
    if (!wanted?.has(file)) edits.push({ path: file, content: null });
  }
  return edits;
}

/** `gitlab:jane (through plugin:blueberry)`: the service that started the task, and for whom. */
function onBehalfOf(
  credentials: BackstageCredentials,
  requestedBy: string | undefined,
  options: { auth: Pick<AuthService, 'isPrincipal'> },
): string | undefined {
  if (!options.auth.isPrincipal(credentials, 'service')) return undefined;
  return `${requestedBy ?? 'unknown'} (through ${
    credentials.principal.subject
  })`;
}

/** The change as the template shows it: a commit, or the merge or pull request that holds it. */
function describeChange(result: GitopsChangeResult): ProposedChange {
  if (!result.url) return { kind: 'commit', revision: result.revision };
  // GitLab's merge requests are at /-/merge_requests/<iid>, GitHub's pull requests at /pull/<n>.
  const kind = /\/merge_requests\/\d+$/.test(result.url)
    ? 'merge-request'
    : 'pull-request';
  return { kind, url: result.url, revision: result.revision };
}
