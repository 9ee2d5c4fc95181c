import { ConflictError, InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type {
  CreateEnvironmentActionInput,
  CreateEnvironmentActionOutput,
} from './actionTypes';
import {
  blueberryEnvironmentUpdatePermission,
  environmentDir,
  ENVIRONMENT_TYPES,
  COMPONENT_ROLES,
  ComponentSpec,
  SECRET_REFERENCE_KINDS,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  BlueprintReader,
  ChartAvailability,
  DeployedComponent,
  environmentUrls,
  namespaceOf,
  OciRegistryClient,
  resolveBlueprint,
  inputErrorFromZod,
  renderBootstrapFiles,
  renderEnvironment,
  RenderOptions,
  resolveRepositoryPath,
  validateEnvironmentRequest,
  writeRenderedFiles,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import { z as zod } from 'zod';
import { examples } from './createEnvironment.examples';
import type { EnvironmentOwnership } from './environmentOwnership';
import { workspaceFolder } from './workspace';

/**
 * The id of the action that creates an environment.
 *
 * @public
 */
export const CREATE_ENVIRONMENT_ACTION_ID = 'blueberry:environment:create';

const OPTIONAL_FORM_FIELDS = new Set([
  'pullRequest',
  'mergeRequestUrl',
  'ttl',
  'sourceEntity',
  'commit',
  'branch',
  'entity',
]);

// The blueprint's inputs: not part of the environment request the renderer checks.
const blueprintInputs = zod.object({
  entity: zod
    .object({
      kind: zod.string().optional(),
      metadata: zod.object({
        name: zod.string(),
        annotations: zod.record(zod.string()).optional(),
      }),
    })
    .optional(),
  commit: zod
    .string()
    .regex(
      /^[0-9a-f]{40}$/,
      'must be a full commit SHA (40 lowercase hex digits)',
    )
    .optional(),
  branch: zod.string().min(1).max(255).optional(),
});

// The action's own options, checked before anything is rendered; the request is checked by the renderer.
const actionOptions = zod.object({
  update: zod.boolean().default(false),
  targetPath: zod.string().default('.'),
  bootstrap: zod.boolean().default(false),
});

/**
 * `blueberry:environment:create`: renders an environment's GitOps files (its Argo CD Application,
 * one Helm values file per component, its Namespace) into the workspace, ready to be published to
 * the GitOps repository by `blueberry:gitops:propose`.
 *
 * @public
 */
export function createBlueberryEnvironmentCreateAction(options: {
  /**
   * What the rendered Applications name (`readGitopsRenderOptions`); undefined when
   * `blueberry.gitops` names no repository, and then every run fails with a configuration error.
   */
  render: RenderOptions | undefined;
  /**
   * With `update`, the initiator must hold `blueberry.environment.update` on the source entity the
   * environment records in the GitOps repository (not the `sourceEntity` it asks for).
   */
  ownership: EnvironmentOwnership;
  /** The clock TTLs are counted from; the system clock unless a test pins it. */
  clock?: () => Date;
  /**
   * Checks that every component's chart exists at its exact version before anything is written;
   * no check without it (`blueberry.gitops.checkCharts: false`).
   */
  charts?: ChartAvailability;
  /**
   * Reads an entity's blueprint (`blueberry.io/blueprint`) and resolves its image tags to digests;
   * without it, components must be given.
   */
  blueprints?: { reader: BlueprintReader; registry: OciRegistryClient };
}): TemplateAction<
  CreateEnvironmentActionInput,
  CreateEnvironmentActionOutput,
  'v2'
> {
  const clock = options.clock ?? (() => new Date());
  return createTemplateAction({
    id: CREATE_ENVIRONMENT_ACTION_ID,
    description:
      'Renders a Blueberry environment (Argo CD Application, Helm values per component, Namespace) into the workspace under environments/<name>/. Refuses bad input with an InputError naming the field and rule, or a chart version its repository does not have, and writes nothing then.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe(
              'Environment name: a DNS-1123 label of at most 53 characters, such as pr-123. It is also the Application name; its namespace follows blueberry.gitops.namespacePattern (default blueberry-<name>).',
            ),
        app: z =>
          z
            .string()
            .describe(
              'The system or product deployed, the blueberry.io/app label (the catalog annotation blueberry.io/app links to it).',
            ),
        owner: z =>
          z
            .string()
            .describe('Owning entity ref, such as group:default/team-shop.'),
        type: z =>
          z
            .enum(ENVIRONMENT_TYPES)
            .default('pull-request')
            .describe(
              'pull-request, feature or long-lived; default pull-request.',
            ),
        pullRequest: z =>
          z
            .number()
            .int()
            .optional()
            .describe(
              'Merge request number; required for a pull-request environment.',
            ),
        mergeRequestUrl: z =>
          z
            .string()
            .optional()
            .describe(
              'Link to the merge request, kept in the blueberry.io/merge-request annotation.',
            ),
        ttl: z =>
          z
            .string()
            .optional()
            .describe(
              'Time to live such as 72h, 7d or 2w; not for long-lived environments. Counted from this run: an update renews it.',
            ),
        sourceEntity: z =>
          z
            .string()
            .optional()
            .describe(
              'The catalog entity that asked for the environment (blueberry.io/source-entity).',
            ),
        update: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Replace an environment that already exists in targetPath instead of refusing it.',
            ),
        targetPath: z =>
          z
            .string()
            .default('.')
            .describe(
              'Folder in the workspace that stands for the GitOps repository root; default the workspace root.',
            ),
        bootstrap: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Also write the bootstrap files (root Application, Application health check) when missing from targetPath.',
            ),
        entity: z =>
          z
            .record(z.unknown())
            .optional()
            .describe(
              "The catalog entity (as catalog:fetch gives it) whose blueprint (annotation blueberry.io/blueprint) gives the components; with components too, the given ones replace the blueprint's of the same name.",
            ),
        commit: z =>
          z
            .string()
            .optional()
            .describe(
              "Full SHA of the application commit to deploy: the blueprint's image tags ({sha}, {shortSha}) and value files are taken at it, and the Application records it (blueberry.io/commit).",
            ),
        branch: z =>
          z
            .string()
            .optional()
            .describe(
              "The merge request's source branch, for image tags over {branch}.",
            ),
        components: z =>
          z
            .array(
              z.object({
                name: z
                  .string()
                  .describe(
                    "Component name, a DNS-1123 label; the Helm release name and the objects' name.",
                  ),
                role: z
                  .enum(COMPONENT_ROLES)
                  .describe(
                    'backend (wave 1), frontend (wave 2) or database (wave 0).',
                  ),
                image: z
                  .string()
                  .optional()
                  .describe(
                    'Image pinned by digest (repository@sha256:...); required for backend and frontend.',
                  ),
                chart: z
                  .object({
                    repoURL: z
                      .string()
                      .describe(
                        'Chart repository (https://...), Helm OCI repository without a scheme (registry/path), or OCI artifact (oci://registry/path/chart), as Argo CD spells them; not a Git repository.',
                      ),
                    chart: z
                      .string()
                      .optional()
                      .describe(
                        'Chart name in the repository; left out with an oci:// repoURL (Argo CD ignores it).',
                      ),
                    path: z
                      .string()
                      .optional()
                      .describe(
                        'Only "." (or absent), with an oci:// repoURL; charts from a Git path are refused.',
                      ),
                    targetRevision: z
                      .string()
                      .describe('Exact chart version, such as 1.4.2.'),
                  })
                  .describe("Where the component's Helm chart comes from."),
                host: z
                  .string()
                  .optional()
                  .describe(
                    'Preview host name, or a pattern over {component} and {environment}; required for frontends, gives the component an Ingress.',
                  ),
                values: z
                  .record(z.unknown())
                  .optional()
                  .describe(
                    'Extra Helm values; no literal secrets (reference an ExternalSecret or SealedSecret).',
                  ),
              }),
            )
            .optional()
            .describe(
              "The deployable parts of the environment; from the entity's blueprint when left out.",
            ),
        secrets: z =>
          z
            .array(
              z.object({
                kind: z
                  .enum(SECRET_REFERENCE_KINDS)
                  .describe(
                    'ExternalSecret (fetched from a secret store) or SealedSecret (ciphertext); never a Secret.',
                  ),
                name: z
                  .string()
                  .describe(
                    "The object's name and the Secret it makes, which a chart's existingSecret names.",
                  ),
                spec: z
                  .record(z.unknown())
                  .describe(
                    "The kind's spec: secretStoreRef and data, or encryptedData.",
                  ),
              }),
            )
            .optional()
            .describe(
              'Secrets the charts reference, made in the environment in wave 0, before any workload.',
            ),
      },
      output: {
        application: z =>
          z.string().describe('Name of the Argo CD Application.'),
        namespace: z =>
          z.string().describe('Kubernetes namespace of the environment.'),
        environmentPath: z =>
          z
            .string()
            .describe(
              "The environment's folder, relative to targetPath: environments/<name>.",
            ),
        files: z =>
          z
            .array(z.string())
            .describe('Files written, relative to targetPath.'),
        urls: z =>
          z
            .array(z.string())
            .describe('Preview URLs, one per component with a host.'),
        expiresAt: z =>
          z
            .string()
            .optional()
            .describe(
              'When the environment expires (RFC 3339), when it has a TTL.',
            ),
        deployed: z =>
          z
            .array(
              z.object({
                component: z.string(),
                role: z.string(),
                chart: z.string(),
                image: z.string().optional(),
                digest: z.string().optional(),
              }),
            )
            .describe(
              'What each component runs: its chart, the image tag asked for and the digest it resolved to.',
            ),
      },
    },
    async handler(ctx) {
      const raw = (ctx.input ?? {}) as Record<string, unknown>;
      const {
        update: _u,
        targetPath: _t,
        bootstrap: _b,
        entity: _e,
        branch: _br,
        ...given
      } = raw;
      // Template forms send '' for optional fields left empty: that means absent, not invalid.
      const request = Object.fromEntries(
        Object.entries(given).filter(
          ([key, value]) =>
            !(
              OPTIONAL_FORM_FIELDS.has(key) &&
              (value === '' || value === undefined)
            ),
        ),
      );
      const parsedOptions = actionOptions.safeParse({
        update: raw.update,
        targetPath: raw.targetPath,
        bootstrap: raw.bootstrap,
      });
      if (!parsedOptions.success)
        throw inputErrorFromZod(parsedOptions.error, 'input');
      const { update, targetPath, bootstrap } = parsedOptions.data;
      const source = blueprintInputs.safeParse(
        Object.fromEntries(
          ['entity', 'commit', 'branch']
            .map(key => [key, raw[key]] as const)
            .filter(([, value]) => value !== '' && value !== undefined),
        ),
      );
      if (!source.success) throw inputErrorFromZod(source.error, 'input');

      // Every digest is resolved and every value file read here, before anything is written.
      const tags = await fillFromBlueprint(
        request,
        source.data,
        options.blueprints,
      );
      const spec = validateEnvironmentRequest(request, { now: clock() });
      const deployed = describeDeployed(spec.components, tags);
      if (update) {
        await options.ownership.check(
          ctx,
          spec.name,
          blueberryEnvironmentUpdatePermission,
        );
      }
      const renderOptions = requireRenderOptions(options.render);
      const files = renderEnvironment(spec, renderOptions);
      const root = workspaceFolder(ctx.workspacePath, targetPath, 'targetPath');
      const dir = resolveRepositoryPath(root, environmentDir(spec.name));
      if (!update && (await exists(dir))) {
        throw new ConflictError(
          `Environment '${spec.name}' already exists in ${environmentDir(
            spec.name,
          )}; set update to replace it`,
        );
      }
      // Last of the checks, as the only one over the network, and before anything is written (dry
      // run too): a chart Argo CD could not fetch is refused now, not found after the commit as a
      // ComparisonError on the card.
      await options.charts?.check(spec.components, ctx.logger);

      const written = await ctx.checkpoint({
        key: `blueberry.environment.create.${spec.name}`,
        fn: async () => {
          await fs.rm(dir, { recursive: true, force: true });
          const paths = await writeRenderedFiles(root, files);
          if (bootstrap) {
            paths.push(
              ...(await writeRenderedFiles(
                root,
                renderBootstrapFiles(renderOptions),
                { onlyMissing: true },
              )),
            );
          }
          return paths;
        },
      });

      for (const part of deployed) {
        ctx.logger.info(
          `${part.component} (${part.role}): chart ${part.chart}${
            part.image ? `, image ${part.image} at ${part.digest}` : ''
          }`,
        );
      }
      ctx.logger.info(
        `${ctx.isDryRun ? 'Dry run: rendered' : 'Rendered'} environment ${
          spec.name
        } (${files.length} files) into ${targetPath}`,
      );
      ctx.output('application', spec.name);
      ctx.output('namespace', namespaceOf(spec.name, renderOptions));
      ctx.output('environmentPath', environmentDir(spec.name));
      ctx.output('files', written);
      ctx.output('urls', environmentUrls(spec));
      if (spec.expiresAt) ctx.output('expiresAt', spec.expiresAt);
      ctx.output('deployed', deployed);
    },
  });
}

/**
 * With an entity that has a blueprint, fills the request's components (and its TTL, when none is
 * given) from it at the commit; returns the image tag each blueprint component asked for.
 */
async function fillFromBlueprint(
  request: Record<string, unknown>,
  source: zod.infer<typeof blueprintInputs>,
  blueprints:
    | { reader: BlueprintReader; registry: OciRegistryClient }
    | undefined,
): Promise<Map<string, string>> {
  const given = Array.isArray(request.components)
    ? (request.components as ComponentSpec[])
    : undefined;
  const fromBlueprint =
    source.entity &&
    (BlueprintReader.hasBlueprint(source.entity) || !given?.length);
  if (!fromBlueprint) return new Map();
  if (!blueprints) {
    throw new InputError(
      'Blueprints are not read here (no URL reader configured for the action): give the components',
    );
  }
  const located = await blueprints.reader.read(source.entity!, {
    commit: source.commit,
  });
  const resolution = await resolveBlueprint(
    located,
    {
      revision: {
        sha: source.commit,
        number:
          typeof request.pullRequest === 'number'
            ? request.pullRequest
            : undefined,
        branch: source.branch,
      },
      ttl: typeof request.ttl === 'string' ? request.ttl : undefined,
      components: given,
    },
    blueprints,
  );
  request.components = resolution.components;
  if (resolution.ttl !== undefined && request.type !== 'long-lived')
    request.ttl = resolution.ttl;
  return new Map(
    resolution.deployed
      .filter(d => d.image && d.digest)
      .map(d => [d.component, d.image!] as const),
  );
}

/** What each component runs: chart, the tag asked for (or the repository) and the digest. */
function describeDeployed(
  components: ComponentSpec[],
  tags: Map<string, string>,
): DeployedComponent[] {
  return components.map(component => {
    const { chart } = component;
    const image = component.image ?? '';
    const at = image.lastIndexOf('@');
    return {
      component: component.name,
      role: component.role,
      chart: chart.chart
        ? `${chart.repoURL} ${chart.chart}@${chart.targetRevision}`
        : `${chart.repoURL}@${chart.targetRevision}`,
      ...(image
        ? {
            image: tags.get(component.name) ?? image.slice(0, at),
            digest: image.slice(at + 1),
          }
        : {}),
    };
  });
}

/** The render options, or a configuration error (a server fault, not bad input). */
function requireRenderOptions(
  render: RenderOptions | undefined,
): RenderOptions {
  if (!render) {
    throw new Error(
      'Blueberry is not configured: set blueberry.gitops.repoURL, or name the GitOps repository (blueberry.gitops.local, gitlab or github), in app-config',
    );
  }
  return render;
}

async function exists(target: string): Promise<boolean> {
  return fs.stat(target).then(
    () => true,
    () => false,
  );
}
