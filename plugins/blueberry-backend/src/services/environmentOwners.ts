import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  BLUEBERRY_ANNOTATIONS,
  BLUEBERRY_APP_ANNOTATION,
  BLUEBERRY_LABELS,
  COMPAT_ANNOTATIONS,
} from '@blueberry-idp/plugin-blueberry-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ArgoApplication } from '../argocd/types';

/**
 * The catalog entities an environment belongs to, most specific first: the entity that asked for it
 * (`blueberry.io/source-entity` on the Application), then the entities the caller can see that are
 * annotated `blueberry.io/app: <its app label>` or `argocd/app-name: <its name>`. The caller's
 * credentials are used, so an entity the caller cannot see never grants access.
 */
export async function environmentOwners(
  app: ArgoApplication,
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<string[]> {
  const refs: string[] = [];
  const source =
    app.metadata?.annotations?.[BLUEBERRY_ANNOTATIONS.sourceEntity];
  if (source) refs.push(source);

  const filters: Record<string, string>[] = [];
  const appLabel = app.metadata?.labels?.[BLUEBERRY_LABELS.app];
  if (appLabel)
    filters.push({
      [`metadata.annotations.${BLUEBERRY_APP_ANNOTATION}`]: appLabel,
    });
  if (app.metadata?.name) {
    filters.push({
      [`metadata.annotations.${COMPAT_ANNOTATIONS.appName}`]: app.metadata.name,
    });
  }
  if (filters.length) {
    const { items } = await catalog.getEntities(
      {
        filter: filters,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    for (const entity of items) {
      const ref = stringifyEntityRef(entity);
      if (!refs.includes(ref)) refs.push(ref);
    }
  }
  return refs;
}
