import { expectedResources } from './resources';

describe('expectedResources', () => {
  it('follows the wave plan for a backend, Redis and two frontends', () => {
    const resources = expectedResources('pr-123', [
      { component: 'shop-backend', role: 'backend' },
      { component: 'redis', role: 'database' },
      {
        component: 'storefront',
        role: 'frontend',
        host: 'pr-123.shop.example.com',
      },
      {
        component: 'admin',
        role: 'frontend',
        host: 'admin-pr-123.shop.example.com',
      },
    ]);
    const byWave = (wave: number) =>
      resources.filter(r => r.wave === wave).map(r => `${r.kind}/${r.name}`);

    expect(byWave(0)).toEqual([
      'ConfigMap/admin',
      'ConfigMap/redis',
      'ConfigMap/shop-backend',
      'ConfigMap/storefront',
      'Namespace/blueberry-pr-123',
      'Service/redis',
      'StatefulSet/redis',
    ]);
    expect(byWave(1)).toEqual([
      'Deployment/shop-backend',
      'Service/shop-backend',
    ]);
    expect(byWave(2)).toEqual([
      'Deployment/admin',
      'Deployment/storefront',
      'Service/admin',
      'Service/storefront',
    ]);
    expect(byWave(3)).toEqual(['Ingress/admin', 'Ingress/storefront']);
    expect(
      resources.every(
        r =>
          (r.kind === 'Namespace' && r.name === 'blueberry-pr-123') ||
          r.namespace === 'blueberry-pr-123',
      ),
    ).toBe(true);
  });
});
