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
  LabelMatcher,
  parseLabelSelector,
} from '@blueberry-idp/plugin-blueberry-common';
import type { ArgoApplication } from '../argocd/types';

/** Which Applications belong to an entity, read from its annotations. */
export interface EntityLink {
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
 * `argocd/app-selector: blueberry.io/role` does not cover every environment.
 */
export function entityLinkOf(entity: Entity): EntityLink | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const matchers: LabelMatcherOnApp[] = [];
  const self = stringifyEntityRef(entity);
  const notAnothersEnvironment = (m: LabelMatcherOnApp): LabelMatcherOnApp => {
    return a => !recordsAnotherSource(a, self) && m(a);
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
    instances: instances.length ? instances : undefined,
    // The root (app-of-apps) is shown apart, never as an environment.
    matches: a =>
      a.metadata?.labels?.[BLUEBERRY_LABELS.role] !== 'root' &&
      matchers.some(m => m(a)),
  };
}

type LabelMatcherOnApp = (app: ArgoApplication) => boolean;

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
