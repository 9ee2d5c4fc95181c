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
    const seen = new Set([shop.version, cart.version]);
    /** The version moved on to one never seen before. */
    const movedOn = (version: number) => {
      const fresh = !seen.has(version);
      seen.add(version);
      return fresh;
    };

    // Another entity's environment changes, appears, goes: this answer stands.
    let shopVersion = shop.version;
    for (const change of [
      () => index.changed('cart-pr-1', environment('cart-pr-1', 'cart', '2')),
      () => index.changed('cart-pr-2', environment('cart-pr-2', 'cart')),
      () => index.changed('cart-pr-2', undefined),
    ]) {
      change();
      expect(movedOn(cart.version)).toBe(true);
    }
    expect(shop.version).toBe(shopVersion);
    expect([...cart.names]).toEqual(['cart-pr-1']);

    // One of its own changes.
    index.changed('shop-pr-1', environment('shop-pr-1', 'shop', '2'));
    expect(movedOn(shop.version)).toBe(true);
    // A new one appears.
    index.changed('shop-pr-2', environment('shop-pr-2', 'shop'));
    expect(movedOn(shop.version)).toBe(true);
    expect([...shop.names]).toEqual(['shop-pr-1', 'shop-pr-2']);
    // One is relabelled away from it: it leaves, and the answer must say so.
    shopVersion = shop.version;
    const cartVersion = cart.version;
    index.changed('shop-pr-1', environment('shop-pr-1', 'cart', '3'));
    expect(movedOn(shop.version)).toBe(true);
    expect(cart.version).not.toBe(cartVersion);
    expect([...shop.names]).toEqual(['shop-pr-2']);
    expect([...cart.names].sort()).toEqual(['cart-pr-1', 'shop-pr-1']);
    // One goes.
    index.changed('shop-pr-2', undefined);
    expect(movedOn(shop.version)).toBe(true);
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

  it('drops a link nobody asked for in 15 minutes, and never hands out its version again', () => {
    let now = 0;
    const index = new EnvironmentIndex({ now: () => now });
    const apps = applications(environment('shop-pr-1', 'shop'));
    const dropped = index.linked(shopLink, apps).version;
    now = 10 * 60_000;
    index.linked(billingLink, apps);
    expect(index.size).toBe(2);
    now = 16 * 60_000;
    index.linked(billingLink, apps);
    expect(index.size).toBe(1);
    // Changes while it was not indexed went unseen: the one asked for again must not pass for the
    // state an answer was built from before.
    apps.set('shop-pr-2', { application: environment('shop-pr-2', 'shop') });
    const again = index.linked(shopLink, apps);
    expect(again.version).not.toBe(dropped);
    expect([...again.names]).toEqual(['shop-pr-1', 'shop-pr-2']);
  });
});
