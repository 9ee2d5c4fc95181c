import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  EntityLink,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  BLUEBERRY_ANNOTATIONS,
  BLUEBERRY_LABELS,
  COMPAT_ANNOTATIONS,
  ENVIRONMENT_ENTITY_ANNOTATIONS,
  ENVIRONMENT_ENTITY_TYPE,
} from '@blueberry-idp/plugin-blueberry-common';
import { JsonObject } from '@backstage/types';
import { GitopsEnvironment } from '../gitops/readEnvironments';

// The catalog's rule for tags.
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

/**
 * What an environment entity needs besides the environment itself.
 *
 * @public
 */
export interface EnvironmentEntityContext {
  /** The GitOps commit the environment was read from. */
  commit: string;
  /**
   * Where a file of the GitOps repository is (`file:...` locally, its web page on a Git host),
   * for the entity's location annotations.
   */
  locationOf(repositoryPath: string): string;
  /** Catalog namespace of the entities; default `default`. */
  namespace?: string;
  /** The Argo CD instance the environments run on, for deep links and the card. */
  argocd?: { instance: string; uiUrl: string };
  /**
   * Refs of the catalog's Components (`component:default/shop-backend`). A deployed component becomes
   * a `dependsOn` relation only when it is in here, so the entity never points at nothing.
   */
  knownComponentRefs: ReadonlySet<string>;
}

/**
 * The catalog entity of one environment: a `Resource` of type `environment` named like the
 * environment, with its `blueberry.io/*` labels, owner, system, the components it deploys and links
 * to its previews, its merge request and Argo CD.
 *
 * @public
 */
export function environmentEntity(
  environment: GitopsEnvironment,
  context: EnvironmentEntityContext,
): Entity {
  const namespace = context.namespace ?? 'default';
  const { labels, annotations: source } = environment;
  const app = labels[BLUEBERRY_LABELS.app];
  const sourceEntity = parseRef(source[BLUEBERRY_ANNOTATIONS.sourceEntity]);
  // Components and groups are looked up where the requesting entity lives.
  const refNamespace = sourceEntity?.namespace ?? namespace;

  const annotations: Record<string, string> = {
    ...source,
    // The card and the backend select exactly this Application; `blueberry.io/app` would list all
    // of the app's environments on each environment's page (the app is in the labels).
    [COMPAT_ANNOTATIONS.appName]: environment.name,
    [ENVIRONMENT_ENTITY_ANNOTATIONS.components]: environment.components
      .map(c => c.name)
      .join(','),
    [ENVIRONMENT_ENTITY_ANNOTATIONS.gitopsCommit]: context.commit,
  };
  if (context.argocd) {
    annotations[COMPAT_ANNOTATIONS.instanceName] = context.argocd.instance;
  }
  const location = context.locationOf(environment.applicationPath);
  annotations[ANNOTATION_LOCATION] = location;
  annotations[ANNOTATION_ORIGIN_LOCATION] = location;

  const dependsOn = deployedComponentRefs(environment, namespace).filter(ref =>
    context.knownComponentRefs.has(ref),
  );

  const spec: JsonObject = {
    type: ENVIRONMENT_ENTITY_TYPE,
    owner: ownerRef(environment, refNamespace),
  };
  const system = systemRef(sourceEntity, app, refNamespace);
  if (system) spec.system = system;
  if (dependsOn.length) spec.dependsOn = dependsOn;

  const type = labels[BLUEBERRY_LABELS.type];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: environment.name,
      namespace,
      title: app ? `${environment.name} (${app})` : environment.name,
      description: describe(environment),
      labels: { ...labels },
      annotations,
      tags: ['blueberry', ...(type && TAG.test(type) ? [type] : [])],
      links: links(environment, context),
    },
    spec,
  };
}

/**
 * The Component refs an environment's components would have: named like the component, in the
 * namespace of the entity that requested the environment (else the entities' namespace).
 */
export function deployedComponentRefs(
  environment: GitopsEnvironment,
  namespace: string,
): string[] {
  const sourceEntity = parseRef(
    environment.annotations[BLUEBERRY_ANNOTATIONS.sourceEntity],
  );
  const refNamespace = sourceEntity?.namespace ?? namespace;
  return environment.components.map(c =>
    stringifyEntityRef({
      kind: 'component',
      namespace: refNamespace,
      name: c.name,
    }),
  );
}

/**
 * The owner: the full ref when the Application carries `blueberry.io/owner-ref`, else the group named
 * by the label-safe `blueberry.io/owner` label, else the requesting entity, else `unknown`.
 */
function ownerRef(environment: GitopsEnvironment, namespace: string): string {
  const full = parseRef(
    environment.annotations[ENVIRONMENT_ENTITY_ANNOTATIONS.ownerRef],
  );
  if (full) return stringifyEntityRef(full);
  const owner = environment.labels[BLUEBERRY_LABELS.owner];
  if (owner)
    return stringifyEntityRef({ kind: 'group', namespace, name: owner });
  const source = parseRef(
    environment.annotations[BLUEBERRY_ANNOTATIONS.sourceEntity],
  );
  return source ? stringifyEntityRef(source) : 'group:default/unknown';
}

/** The System: the requesting entity when it is one, else the System named like the app label. */
function systemRef(
  sourceEntity: ReturnType<typeof parseRef>,
  app: string | undefined,
  namespace: string,
): string | undefined {
  if (sourceEntity?.kind.toLocaleLowerCase('en-US') === 'system') {
    return stringifyEntityRef(sourceEntity);
  }
  return app
    ? stringifyEntityRef({ kind: 'system', namespace, name: app })
    : undefined;
}

function describe(environment: GitopsEnvironment): string {
  const type = environment.labels[BLUEBERRY_LABELS.type] ?? 'Blueberry';
  const app = environment.labels[BLUEBERRY_LABELS.app];
  const pr = environment.labels[BLUEBERRY_LABELS.pullRequest];
  const what = `${capitalise(type.replace(/-/g, ' '))} environment ${
    environment.name
  }`;
  const of = app ? ` of ${app}` : '';
  const forPr = pr ? ` for merge request ${pr}` : '';
  const components = environment.components.length
    ? `: ${environment.components.map(c => c.name).join(', ')}`
    : '';
  return `${what}${of}${forPr}${components}`;
}

function links(
  environment: GitopsEnvironment,
  context: EnvironmentEntityContext,
): EntityLink[] {
  const result: EntityLink[] = [];
  for (const component of environment.components) {
    const url = component.host && safeUrl(`https://${component.host}`);
    if (url) {
      result.push({
        url,
        title: `${component.name} preview`,
        icon: 'web',
        type: 'preview',
      });
    }
  }
  const mergeRequest = safeUrl(
    environment.annotations[BLUEBERRY_ANNOTATIONS.mergeRequest],
  );
  if (mergeRequest) {
    result.push({
      url: mergeRequest,
      title: 'Merge request',
      icon: 'github',
      type: 'merge-request',
    });
  }
  if (context.argocd) {
    const base = context.argocd.uiUrl.replace(/\/+$/, '');
    const ns = environment.argocdNamespace
      ? `${encodeURIComponent(environment.argocdNamespace)}/`
      : '';
    result.push({
      url: `${base}/applications/${ns}${encodeURIComponent(environment.name)}`,
      title: 'Argo CD',
      icon: 'dashboard',
      type: 'argocd',
    });
  }
  return result;
}

/** The URL when it is an http(s) URL, else undefined: links open in people's browsers. */
function safeUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

function parseRef(ref: string | undefined) {
  if (!ref) return undefined;
  try {
    return parseEntityRef(ref);
  } catch {
    return undefined;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase('en-US') + text.slice(1);
}
