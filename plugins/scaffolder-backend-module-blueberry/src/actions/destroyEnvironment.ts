import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  BLUEBERRY_LABELS,
  blueberryEnvironmentDestroyPermission,
  environmentApplicationPath,
  environmentDir,
  environmentNamespace,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  GENERATED_HEADER,
  inputErrorFromZod,
  listFiles,
  resolveRepositoryPath,
  validateEnvironmentName,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import { parse } from 'yaml';
import { z as zod } from 'zod';
import { examples } from './destroyEnvironment.examples';
import type { EnvironmentOwnership } from './environmentOwnership';
import { workspaceFolder } from './workspace';

export const DESTROY_ENVIRONMENT_ACTION_ID = 'blueberry:environment:destroy';

const actionOptions = zod.object({
  targetPath: zod.string().default('.'),
  app: zod.string().optional(),
  mode: zod.enum(['remove', 'list']).default('remove'),
});

/**
 * `blueberry:environment:destroy`: retires an environment from a copy of the GitOps repository in the
 * workspace. `remove` deletes `environments/<name>/` there (then `blueberry:gitops:commit` with
 * `remove: true` commits it locally); `list` leaves the files for `publish:gitlab:merge-request` with
 * `commitAction: delete`. First of all it checks that the task's initiator may destroy the
 * environment: `blueberry.environment.destroy` on the source entity the environment records in the
 * GitOps repository (EnvironmentOwnership), whatever `app` or entity the template names. Then that
 * the workspace folder is a Blueberry environment of `app`.
 *
 * @public
 */
export function createBlueberryEnvironmentDestroyAction(options: {
  ownership: EnvironmentOwnership;
}) {
  return createTemplateAction({
    id: DESTROY_ENVIRONMENT_ACTION_ID,
    description:
      'Removes a Blueberry environment (environments/<name>/) from the GitOps repository copy in the workspace, after checking that Blueberry made it. Argo CD prunes its resources once the removal is merged.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string().describe('The environment to retire, such as pr-123.'),
        app: z =>
          z
            .string()
            .optional()
            .describe(
              'When set, refuse an environment that belongs to another app (its blueberry.io/app label).',
            ),
        targetPath: z =>
          z
            .string()
            .default('.')
            .describe(
              'Folder in the workspace that stands for the GitOps repository root; default the workspace root.',
            ),
        mode: z =>
          z
            .enum(['remove', 'list'])
            .default('remove')
            .describe(
              'remove: delete the folder from the workspace; list: keep it and only list its files (for a merge request that deletes them).',
            ),
      },
      output: {
        application: z =>
          z.string().describe('Name of the Argo CD Application that goes.'),
        namespace: z => z.string().describe('Namespace that goes with it.'),
        environmentPath: z =>
          z
            .string()
            .describe("The environment's folder, relative to targetPath."),
        files: z =>
          z
            .array(z.string())
            .describe(
              "The environment's files found in the workspace, relative to targetPath.",
            ),
      },
    },
    async handler(ctx) {
      const raw = (ctx.input ?? {}) as Record<string, unknown>;
      const name = validateEnvironmentName(raw.name);
      const parsed = actionOptions.safeParse({
        targetPath: raw.targetPath,
        app: raw.app,
        mode: raw.mode,
      });
      if (!parsed.success) throw inputErrorFromZod(parsed.error, 'input');
      const { targetPath, app, mode } = parsed.data;
      await options.ownership.check(
        ctx,
        name,
        blueberryEnvironmentDestroyPermission,
      );
      const root = workspaceFolder(ctx.workspacePath, targetPath, 'targetPath');
      const dir = resolveRepositoryPath(root, environmentDir(name));

      const present = await fs.stat(dir).then(
        s => s.isDirectory(),
        () => false,
      );
      if (!present && mode === 'list') {
        throw new NotFoundError(
          `Environment '${name}' is not in ${targetPath}; fetch ${environmentDir(
            name,
          )} from the GitOps repository first`,
        );
      }
      const files = present
        ? (await listFiles(dir)).map(file => `${environmentDir(name)}/${file}`)
        : [];
      const application = present
        ? await checkOwnership(root, name, app)
        : undefined;

      if (present && mode === 'remove') {
        await ctx.checkpoint({
          key: `blueberry.environment.destroy.${name}`,
          fn: async () => {
            await fs.rm(dir, { recursive: true, force: true });
          },
        });
      }
      ctx.logger.info(
        present
          ? `${mode === 'remove' ? 'Removed' : 'Listed'} environment ${name} (${
              files.length
            } files)`
          : `Environment ${name} is not in the workspace; the commit step removes it from the repository`,
      );
      ctx.output('application', name);
      // The namespace the environment's Application records (it follows the namespace pattern of
      // when it was made), else the default pattern's.
      ctx.output(
        'namespace',
        String(
          application?.spec?.destination?.namespace ??
            environmentNamespace(name),
        ),
      );
      ctx.output('environmentPath', environmentDir(name));
      ctx.output('files', files);
    },
  });
}

/** Refuses a folder Blueberry did not write, or one that belongs to another app; its Application. */
async function checkOwnership(
  root: string,
  name: string,
  app: string | undefined,
): Promise<Record<string, any> | undefined> {
  const applicationPath = resolveRepositoryPath(
    root,
    environmentApplicationPath(name),
  );
  const content = await fs
    .readFile(applicationPath, 'utf8')
    .catch(() => undefined);
  if (content === undefined || !content.startsWith(GENERATED_HEADER)) {
    throw new ConflictError(
      `${environmentDir(
        name,
      )} was not written by Blueberry (no generated application.yaml); remove it by hand`,
    );
  }
  const application = parse(content);
  if (app !== undefined) {
    const actual = application?.metadata?.labels?.[BLUEBERRY_LABELS.app];
    if (actual !== app) {
      throw new InputError(
        `Invalid input: app '${app}' does not own environment '${name}' (it belongs to '${actual}')`,
      );
    }
  }
  return application ?? undefined;
}
