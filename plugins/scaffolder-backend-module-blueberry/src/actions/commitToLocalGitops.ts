import type {
  BackstageCredentials,
  BackstageServicePrincipal,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  blueberryEnvironmentDestroyPermission,
  blueberryEnvironmentUpdatePermission,
  environmentDir,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  inputErrorFromZod,
  LocalGitopsRepository,
  resolveRepositoryPath,
  validateEnvironmentName,
} from '@blueberry-idp/plugin-blueberry-node';
import { z as zod } from 'zod';
import { BlueberryGitopsConfig, requireRenderOptions } from '../config';
import { examples } from './commitToLocalGitops.examples';
import type { EnvironmentOwnership } from './environmentOwnership';
import { workspaceFolder } from './workspace';

export const COMMIT_TO_LOCAL_GITOPS_ACTION_ID = 'blueberry:gitops:commit';

const actionOptions = zod.object({
  sourcePath: zod.string().default('.'),
  remove: zod.boolean().default(false),
  update: zod.boolean().default(false),
  reason: zod.string().max(2000).optional(),
  // One trailer line: no line breaks.
  requestedBy: zod
    .string()
    .regex(/^[^\r\n]{1,200}$/)
    .optional(),
});

/** `gitlab:jane (through plugin:blueberry)`: the service that started the task, and for whom. */
async function onBehalfOf(
  ctx: { getInitiatorCredentials(): Promise<BackstageCredentials> },
  requestedBy: string | undefined,
): Promise<string | undefined> {
  const { principal } = (await ctx.getInitiatorCredentials()) as
    | BackstageCredentials<BackstageServicePrincipal>
    | BackstageCredentials<{ type: 'user' | 'none' }>;
  if (principal.type !== 'service') return undefined;
  return `${requestedBy ?? 'unknown'} (through ${principal.subject})`;
}

/** The commit message: what changed, why, who asked and which task did it. */
export function commitMessage(input: {
  verb: 'create' | 'update' | 'remove';
  environment: string;
  reason?: string;
  user?: string;
  taskId: string;
}): string {
  return [
    `blueberry: ${input.verb} environment ${input.environment}`,
    '',
    input.reason?.trim() || `Requested through the Backstage scaffolder.`,
    '',
    `Requested-by: ${input.user ?? 'unknown'}`,
    `Template-task: ${input.taskId}`,
  ].join('\n');
}

/**
 * `blueberry:gitops:commit`: the embedded setup's stand-in for a merge request. Commits the
 * workspace's `environments/<environment>/` to the local GitOps repository (`blueberry.gitops.local`)
 * in exactly one commit, or commits its removal. Refuses (ConflictError) an environment that exists
 * unless `update`. Replacing or removing an environment that exists needs
 * `blueberry.environment.update` or `.destroy` on the source entity it records (EnvironmentOwnership).
 * Refused outright when a GitOps host is configured (`blueberry.gitops.gitlab`): changes there go
 * by merge request and review, and no template parameter switches that off. In a dry run it checks
 * the same and commits nothing.
 *
 * @public
 */
export function createBlueberryGitopsCommitAction(options: {
  gitops: BlueberryGitopsConfig;
  ownership: EnvironmentOwnership;
}) {
  return createTemplateAction({
    id: COMMIT_TO_LOCAL_GITOPS_ACTION_ID,
    description:
      'Commits an environment folder rendered in the workspace (or its removal) to the local GitOps repository configured at blueberry.gitops.local, in one commit that says who asked, which task and why. For development without GitLab; production opens a merge request instead.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        environment: z =>
          z.string().describe('The environment to commit, such as pr-123.'),
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
            .describe('Commit the removal of the environment instead.'),
        update: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Replace an environment that exists in the repository instead of refusing it.',
            ),
        reason: z =>
          z.string().optional().describe('Why, for the commit message.'),
        requestedBy: z =>
          z
            .string()
            .optional()
            .describe(
              'Who asked, when a backend service started the task on their behalf (such as gitlab:jane for a merge request event). Ignored when a user started the task: the user is who asked.',
            ),
      },
      output: {
        commit: z =>
          z
            .string()
            .describe(
              'The commit that holds the change (the unchanged head when nothing changed; empty in a dry run).',
            ),
        changed: z => z.boolean().describe('Whether a commit was made.'),
        branch: z => z.string().describe('The branch committed to.'),
        files: z =>
          z
            .array(z.string())
            .describe(
              "The environment's files after the change, relative to the repository root.",
            ),
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
        reason: raw.reason,
        requestedBy: raw.requestedBy || undefined,
      });
      if (!parsed.success) throw inputErrorFromZod(parsed.error, 'input');
      const { sourcePath, remove, update, reason, requestedBy } = parsed.data;
      if (options.gitops.gitlabHost) {
        throw new NotAllowedError(
          `blueberry:gitops:commit is refused: the GitOps repository is on ${options.gitops.gitlabHost} (blueberry.gitops.gitlab), where every change goes by merge request`,
        );
      }
      const local = options.gitops.local;
      if (!local) {
        throw new Error(
          'blueberry:gitops:commit needs blueberry.gitops.local.path in app-config; in production publish with a merge request instead',
        );
      }
      const sourceRoot = workspaceFolder(
        ctx.workspacePath,
        sourcePath,
        'sourcePath',
      );
      const sourceDir = resolveRepositoryPath(
        sourceRoot,
        environmentDir(environment),
      );
      const repository = await LocalGitopsRepository.open({
        path: local.path,
        branch: local.branch,
        render: requireRenderOptions(options.gitops),
      });
      const exists = await repository.environmentExists(environment);
      let verb: 'create' | 'update' | 'remove' = exists ? 'update' : 'create';
      if (remove) verb = 'remove';
      if (exists) {
        await options.ownership.check(
          ctx,
          environment,
          remove
            ? blueberryEnvironmentDestroyPermission
            : blueberryEnvironmentUpdatePermission,
        );
      }

      if (ctx.isDryRun) {
        // Say what a real run would refuse; change nothing.
        if (remove && !exists)
          throw new NotFoundError(
            `Environment '${environment}' is not in the GitOps repository`,
          );
        if (!remove && exists && !update) {
          throw new ConflictError(
            `Environment '${environment}' already exists in the GitOps repository; ask for an update to change it`,
          );
        }
        ctx.logger.info(
          `Dry run: would ${verb} environment ${environment} in ${local.path} on ${local.branch}`,
        );
        ctx.output('commit', '');
        ctx.output('changed', false);
        ctx.output('branch', local.branch);
        ctx.output('files', []);
        return;
      }

      const message = commitMessage({
        verb,
        environment,
        reason,
        user: ctx.user?.ref ?? (await onBehalfOf(ctx, requestedBy)),
        taskId: ctx.task.id,
      });
      const result = await ctx.checkpoint({
        key: `blueberry.gitops.commit.${verb}.${environment}`,
        fn: async () => {
          const commit = remove
            ? await repository.removeEnvironment({ environment, message })
            : await repository.commitEnvironment({
                environment,
                sourceDir,
                update,
                message,
              });
          return {
            commit: commit.commit,
            changed: commit.changed,
            files: commit.files,
          };
        },
      });
      ctx.logger.info(
        result.changed
          ? `Committed ${verb} of environment ${environment} as ${result.commit} on ${local.branch}`
          : `Environment ${environment} is unchanged; no commit made`,
      );
      ctx.output('commit', result.commit);
      ctx.output('changed', result.changed);
      ctx.output('branch', local.branch);
      ctx.output('files', result.files);
    },
  });
}
