import type { Entity } from '@backstage/catalog-model';
import type { ArgoApplication } from '../argocd/types';
import { entityLinkOf } from './entityLinks';

function environmentApp(name: string, sourceEntity: string): ArgoApplication {
  return {
    metadata: {
      name,
      labels: {
        'blueberry.io/app': 'shop',
        'blueberry.io/role': 'environment',
      },
      annotations: { 'blueberry.io/source-entity': sourceEntity },
    },
  } as ArgoApplication;
}

// An environment's catalog entity as catalog-backend-module-blueberry writes it.
function environmentEntity(
  name: string,
  annotations: Record<string, string>,
  overrides: Partial<Entity> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'environment', owner: 'group:default/team-shop' },
    ...overrides,
  };
}

describe('entityLinkOf', () => {
  const pr61 = environmentApp('pr-61', 'system:default/shop');

  it("lets an environment's own catalog entity reach its environment through argocd/app-name", () => {
    const link = entityLinkOf(
      environmentEntity('pr-61', {
        'argocd/app-name': 'pr-61',
        'blueberry.io/source-entity': 'system:default/shop',
      }),
    );
    expect(link?.matches(pr61)).toBe(true);
  });

  it('does not let a look-alike reach an environment whose recorded source it does not carry', () => {
    const link = entityLinkOf(
      environmentEntity('pr-61', {
        'argocd/app-name': 'pr-61',
        'blueberry.io/source-entity': 'component:default/attacker',
      }),
    );
    expect(link?.matches(pr61)).toBe(false);
  });

  it('does not let an environment entity reach another environment by naming it', () => {
    const link = entityLinkOf(
      environmentEntity('pr-62', {
        'argocd/app-name': 'pr-61,pr-62',
        'blueberry.io/source-entity': 'system:default/shop',
      }),
    );
    expect(link?.matches(pr61)).toBe(false);
    expect(link?.matches(environmentApp('pr-62', 'system:default/shop'))).toBe(
      true,
    );
  });

  it('gives the exception only to Resources of type environment', () => {
    const component = environmentEntity(
      'pr-61',
      {
        'argocd/app-name': 'pr-61',
        'blueberry.io/source-entity': 'system:default/shop',
      },
      {
        kind: 'Component',
        spec: { type: 'service', owner: 'group:default/x' },
      },
    );
    expect(entityLinkOf(component)?.matches(pr61)).toBe(false);
  });
});
