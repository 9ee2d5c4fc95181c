import type { Entity } from '@backstage/catalog-model';
import {
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
 */
export function entityLinkOf(entity: Entity): EntityLink | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const matchers: LabelMatcherOnApp[] = [];

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
  if (selector) matchers.push(labelsOf(parseLabelSelector(selector)));
  const names = splitList(annotations[COMPAT_ANNOTATIONS.appName]);
  if (names.length) {
    const wanted = new Set(names);
    matchers.push(a => wanted.has(a.metadata?.name ?? ''));
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

function labelsOf(matcher: LabelMatcher): LabelMatcherOnApp {
  return app => matcher(app.metadata?.labels ?? {});
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}
