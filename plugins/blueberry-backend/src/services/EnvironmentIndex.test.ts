import type { ArgoApplication } from '../argocd/types';
import { entity } from '../__testUtils__/harness';
import { entityLinkOf, EntityLink } from './entityLinks';
import { EnvironmentIndex } from './EnvironmentIndex';

function app(
  name: string,
  labels: Record<string, string>,
  resourceVersion = '1',
): ArgoApplication {
  return { metadata: { name, labels, resourceVersion } } as ArgoApplication;
}

const environment = (name: string, appLabel: string, version = '1') =>
  app(
    name,
    { 'blueberry.io/app': appLabel, 'blueberry.io/role': 'environment' },
    version,
  );

function applications(...apps: ArgoApplication[]) {
  return new Map(apps.map(a => [a.metadata!.name!, { application: a }]));
}

const shopLink = entityLinkOf(entity('shop', { 'blueberry.io/app': 'shop' }))!;
const billingLink = entityLinkOf(
  entity('billing', { 'argocd/app-selector': 'team=billing' }),
)!;
const namedLink = entityLinkOf(
  entity('named', { 'argocd/app-name': 'legacy-a, legacy-b' }),
)!;

describe('EnvironmentIndex', () => {
  it('finds a link’s environments by app label, selector and name', () => {
    const index = new EnvironmentIndex();
    const apps = applications(
      environment('shop-pr-1', 'shop'),
      environment('shop-pr-2', 'shop'),
      environment('cart-pr-1', 'cart'),
      app('billing-db', { team: 'billing' }),
      app('legacy-a', {}),
      app('root', { 'blueberry.io/role': 'root', team: 'billing' }),
    );
    expect([...index.linked(shopLink, apps).names]).toEqual([
      'shop-pr-1',
      'shop-pr-2',
    ]);
    expect([...index.linked(billingLink, apps).names]).toEqual(['billing-db']);
    expect([...index.linked(namedLink, apps).names]).toEqual(['legacy-a']);
  });

  it('moves a link’s version only when one of its environments appears, changes or goes', () => {
    const index = new EnvironmentIndex();
    const apps = applications(
      environment('shop-pr-1', 'shop'),
      environment('cart-pr-1', 'cart'),
    );
    const shop = index.linked(shopLink, apps);
    const cart = index.linked(
      entityLinkOf(entity('cart', { 'blueberry.io/app': 'cart' }))!,
      apps,
    );
    const start = { shop: shop.version, cart: cart.version };

    // Another entity's environment changes, appears, goes: this answer stands.
    index.changed('cart-pr-1', environment('cart-pr-1', 'cart', '2'));
    index.changed('cart-pr-2', environment('cart-pr-2', 'cart'));
    index.changed('cart-pr-2', undefined);
    expect(shop.version).toBe(start.shop);
    expect(cart.version).toBe(start.cart + 3);
    expect([...cart.names]).toEqual(['cart-pr-1']);

    // One of its own changes.
    index.changed('shop-pr-1', environment('shop-pr-1', 'shop', '2'));
    expect(shop.version).toBe(start.shop + 1);
    // A new one appears.
    index.changed('shop-pr-2', environment('shop-pr-2', 'shop'));
    expect(shop.version).toBe(start.shop + 2);
    expect([...shop.names]).toEqual(['shop-pr-1', 'shop-pr-2']);
    // One is relabelled away from it: it leaves, and the answer must say so.
    index.changed('shop-pr-1', environment('shop-pr-1', 'cart', '3'));
    expect(shop.version).toBe(start.shop + 3);
    expect([...shop.names]).toEqual(['shop-pr-2']);
    expect([...cart.names].sort()).toEqual(['cart-pr-1', 'shop-pr-1']);
    // One goes.
    index.changed('shop-pr-2', undefined);
    expect(shop.version).toBe(start.shop + 4);
    expect([...shop.names]).toEqual([]);
  });

  it('shares one entry between links with one key and keeps apart links that differ', () => {
    const index = new EnvironmentIndex();
    const apps = applications(environment('shop-pr-1', 'shop'));
    const again = entityLinkOf(entity('shop', { 'blueberry.io/app': 'shop' }))!;
    expect(again).not.toBe(shopLink);
    expect(index.linked(again, apps)).toBe(index.linked(shopLink, apps));
    // Another entity with the same annotation is another link: what it may claim differs.
    const other: EntityLink = entityLinkOf(
      entity('shop-copy', { 'blueberry.io/app': 'shop' }),
    )!;
    expect(index.linked(other, apps)).not.toBe(index.linked(shopLink, apps));
    expect(index.size).toBe(2);
  });

  it('drops a link nobody asked for in 15 minutes', () => {
    let now = 0;
    const index = new EnvironmentIndex({ now: () => now });
    const apps = applications(environment('shop-pr-1', 'shop'));
    index.linked(shopLink, apps);
    now = 10 * 60_000;
    index.linked(billingLink, apps);
    expect(index.size).toBe(2);
    now = 16 * 60_000;
    index.linked(billingLink, apps);
    expect(index.size).toBe(1);
  });
});
