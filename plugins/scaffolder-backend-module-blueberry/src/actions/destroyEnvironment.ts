import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type {
  DestroyEnvironmentActionInput,
  DestroyEnvironmentActionOutput,
} from './actionTypes';
import {
  BLUEBERRY_LABELS,
  blueberryEnvironmentDestroyPermission,
  environmentDir,
  environmentNamespace,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  GENERATED_HEADER,
  inputErrorFromZod,
  validateEnvironmentName,
} from '@blueberry-idp/plugin-blueberry-node';
import { parse } from 'yaml';
import { z as zod } from 'zod';
import { examples } from './destroyEnvironment.examples';
import type { EnvironmentOwnership } from './environmentOwnership';

/**
 * The id of the action that destroys an environment.
 *
 * @public
 */
export const DESTROY_ENVIRONMENT_ACTION_ID = 'blueberry:environment:destroy';

const actionOptions = zod.object({ app: zod.string().min(1).optional() });

/**
 * `blueberry:environment:destroy`: checks that an environment may be retired, reading it from the
 * GitOps repository through the GitOps repository layer (local, GitLab or GitHub), and says what
 * goes; `blueberry:gitops:propose` with `remove: true` then proposes the removal. First of all it
 * checks that the task's initiator may destroy the environment: `blueberry.environment.destroy` on
 * the source entity the environment records (EnvironmentOwnership), whatever `app` or entity the
 * template names. Then that Blueberry wrote it and that it belongs to `app`. It changes nothing.
 *
 * @public
 */
export function createBlueberryEnvironmentDestroyAction(options: {
  ownership: EnvironmentOwnership;
}): TemplateAction<
  DestroyEnvironmentActionInput,
  DestroyEnvironmentActionOutput,
  'v2'
> {
  return createTemplateAction({
    id: DESTROY_ENVIRONMENT_ACTION_ID,
    description:
      'Checks that a Blueberry environment (environments/<name>/ in the GitOps repository) may be retired: the initiator may destroy it, Blueberry made it, it belongs to app; lists what goes. Publish the removal with blueberry:gitops:propose (remove: true); Argo CD prunes its resources once it is merged.',
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
      },
      output: {
        application: z =>
          z.string().describe('Name of the Argo CD Application that goes.'),
        namespace: z => z.string().describe('Namespace that goes with it.'),
        environmentPath: z =>
          z
            .string()
            .describe("The environment's folder in the GitOps repository."),
        files: z =>
          z
            .array(z.string())
            .describe(
              "The environment's files in the GitOps repository, from its root.",
            ),
      },
    },
    async handler(ctx) {
      const raw = (ctx.input ?? {}) as Record<string, unknown>;
      const name = validateEnvironmentName(raw.name);
      const parsed = actionOptions.safeParse({ app: raw.app || undefined });
      if (!parsed.success) throw inputErrorFromZod(parsed.error, 'input');
      const { app } = parsed.data;
      const recorded = await options.ownership.check(
        ctx,
        name,
        blueberryEnvironmentDestroyPermission,
      );
      if (recorded.files.size === 0) {
        throw new NotFoundError(
          `Environment '${name}' is not in the GitOps repository`,
        );
      }
      const application = blueberryApplication(name, recorded.application);
      if (app !== undefined) {
        const actual = application?.metadata?.labels?.[BLUEBERRY_LABELS.app];
        if (actual !== app) {
          throw new InputError(
            `Invalid input: app '${app}' does not own environment '${name}' (it belongs to '${actual}')`,
          );
        }
      }
      const files = [...recorded.files.keys()].sort();
      ctx.logger.info(
        `Environment ${name} may be retired (${files.length} files)`,
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

/** The environment's Application; ConflictError for a folder Blueberry did not write. */
function blueberryApplication(
  name: string,
  content: string | undefined,
): Record<string, any> | undefined {
  if (content === undefined || !content.startsWith(GENERATED_HEADER)) {
    throw new ConflictError(
      `${environmentDir(
        name,
      )} was not written by Blueberry (no generated application.yaml); remove it by hand`,
    );
  }
  return parse(content) ?? undefined;
}
