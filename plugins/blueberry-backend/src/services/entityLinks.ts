import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  BLUEBERRY_ANNOTATIONS,
  BLUEBERRY_APP_ANNOTATION,
  BLUEBERRY_LABELS,
  COMPAT_ANNOTATIONS,
  ENVIRONMENT_ENTITY_TYPE,
  LabelMatcher,
  parseLabelSelector,
} from '@blueberry-idp/plugin-blueberry-common';
import type { ArgoApplication } from '../argocd/types';

/** Which Applications belong to an entity, read from its annotations. */
export interface EntityLink {
  /**
   * Names the link by all its matcher depends on (entity ref, app label, selector, names,
   * instances): two links with one key match the same Applications, so they share an index entry.
   */
  key: string;
  /** Only these instances; undefined for all. */
  instances?: string[];
  matches: (app: ArgoApplication) => boolean;
}

/**
 * Reads an entity's link to its environments: `blueberry.io/app: shop` (Applications labelled
 * `blueberry.io/app=shop` with role `environment`), or the other Argo CD plugins'
 * `argocd/app-selector`, `argocd/app-name` (comma-separated names) and `argocd/instance-name`.
 * Undefined when the entity has none. Throws an Error when `argocd/app-selector` is malformed.
 *
 * The other plugins' annotations are for Applications Blueberry did not make: they never reach a
 * Blueberry environment that records another entity as its source, so an entity registered with
 * `argocd/app-selector: blueberry.io/role` does not cover every environment. The one exception is an
 * environment's own catalog entity (see `environmentEntityOf`).
 */
export function entityLinkOf(entity: Entity): EntityLink | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const matchers: LabelMatcherOnApp[] = [];
  const self = stringifyEntityRef(entity);
  const ownEnvironment = environmentEntityOf(entity);
  const notAnothersEnvironment = (m: LabelMatcherOnApp): LabelMatcherOnApp => {
    return a =>
      (!recordsAnotherSource(a, self) || isOwnEnvironment(a, ownEnvironment)) &&
      m(a);
  };

  const app = annotations[BLUEBERRY_APP_ANNOTATION]?.trim();
  if (app) {
    matchers.push(
      labelsOf(
        labels =>
          labels[BLUEBERRY_LABELS.app] === app &&
          labels[BLUEBERRY_LABELS.role] === 'environment',
      ),
    );
  }
  const selector = annotations[COMPAT_ANNOTATIONS.appSelector]?.trim();
  if (selector) {
    matchers.push(
      notAnothersEnvironment(labelsOf(parseLabelSelector(selector))),
    );
  }
  const names = splitList(annotations[COMPAT_ANNOTATIONS.appName]);
  if (names.length) {
    const wanted = new Set(names);
    matchers.push(
      notAnothersEnvironment(a => wanted.has(a.metadata?.name ?? '')),
    );
  }
  if (matchers.length === 0) return undefined;

  const instances = splitList(annotations[COMPAT_ANNOTATIONS.instanceName]);
  return {
    key: JSON.stringify([
      self,
      app,
      selector,
      names,
      instances,
      ownEnvironment,
    ]),
    instances: instances.length ? instances : undefined,
    // The root (app-of-apps) is shown apart, never as an environment.
    matches: a =>
      a.metadata?.labels?.[BLUEBERRY_LABELS.role] !== 'root' &&
      matchers.some(m => m(a)),
  };
}

type LabelMatcherOnApp = (app: ArgoApplication) => boolean;

interface EnvironmentEntityClaim {
  name: string;
  sourceEntity: string;
}

/**
 * The environment an environment entity stands for, as the catalog module writes them: a
 * `Resource` of type `environment`, named after its environment, carrying the environment's
 * recorded source entity. It reaches its own environment through `argocd/app-name`, and only that
 * one (its name and recorded source must both match), so its page shows the environment and its
 * Keep. Changes are still authorised against the recorded source entity, never this entity.
 */
function environmentEntityOf(
  entity: Entity,
): EnvironmentEntityClaim | undefined {
  if (
    entity.kind.toLocaleLowerCase('en-US') !== 'resource' ||
    entity.spec?.type !== ENVIRONMENT_ENTITY_TYPE
  ) {
    return undefined;
  }
  const recorded = normalisedRef(
    entity.metadata.annotations?.[BLUEBERRY_ANNOTATIONS.sourceEntity],
  );
  return recorded
    ? { name: entity.metadata.name, sourceEntity: recorded }
    : undefined;
}

function isOwnEnvironment(
  app: ArgoApplication,
  claim: EnvironmentEntityClaim | undefined,
): boolean {
  return (
    !!claim &&
    app.metadata?.name === claim.name &&
    normalisedRef(
      app.metadata?.annotations?.[BLUEBERRY_ANNOTATIONS.sourceEntity],
    ) === claim.sourceEntity
  );
}

function normalisedRef(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(ref));
  } catch {
    return undefined;
  }
}

/** A Blueberry environment whose recorded source entity is not `entityRef`. */
function recordsAnotherSource(
  app: ArgoApplication,
  entityRef: string,
): boolean {
  if (app.metadata?.labels?.[BLUEBERRY_LABELS.role] !== 'environment') {
    return false;
  }
  const source =
    app.metadata?.annotations?.[BLUEBERRY_ANNOTATIONS.sourceEntity];
  if (!source) return false;
  try {
    return stringifyEntityRef(parseEntityRef(source)) !== entityRef;
  } catch {
    // A malformed record is nobody's to claim through these annotations.
    return true;
  }
}

function labelsOf(matcher: LabelMatcher): LabelMatcherOnApp {
  return app => matcher(app.metadata?.labels ?? {});
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}
