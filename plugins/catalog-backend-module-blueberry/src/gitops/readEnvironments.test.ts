import { renderEnvironment } from '@blueberry-idp/plugin-blueberry-node';
import {
  renderOptions,
  shopEnvironment,
} from '../__testUtils__/gitopsRepository';
import { blueberryBlockText, readEnvironments } from './readEnvironments';

const rendered = (name: string) =>
  renderEnvironment(shopEnvironment(name), renderOptions).filter(
    file => !file.path.includes('/manifests/'),
  );

describe('readEnvironments', () => {
  it('reads the renderer output: labels, annotations, components with role and host', () => {
    const { environments, problems } = readEnvironments(rendered('pr-123'));
    expect(problems).toEqual([]);
    expect(environments).toEqual([
      {
        name: 'pr-123',
        applicationPath: 'environments/pr-123/application.yaml',
        argocdNamespace: 'argocd',
        labels: {
          'blueberry.io/app': 'shop',
          'blueberry.io/environment': 'pr-123',
          'blueberry.io/owner': 'team-shop',
          'blueberry.io/pull-request': '123',
          'blueberry.io/role': 'environment',
          'blueberry.io/type': 'pull-request',
        },
        annotations: {
          'blueberry.io/expires-at': '2030-01-04T12:00:00Z',
          'blueberry.io/merge-request':
            'https://gitlab.example.com/shop/shop/-/merge_requests/123',
          'blueberry.io/source-entity': 'system:default/shop',
        },
        components: [
          { name: 'redis', role: 'database', host: undefined },
          {
            name: 'shop-backend',
            role: 'backend',
            host: 'api-pr-123.shop.example.com',
          },
          {
            name: 'storefront',
            role: 'frontend',
            host: 'pr-123.shop.example.com',
          },
        ],
      },
    ]);
  });

  it('leaves out a broken environment and names its problem, keeping the others', () => {
    const files = [
      ...rendered('pr-1'),
      {
        path: 'environments/pr-2/application.yaml',
        content: 'kind: [not, a, mapping',
      },
      {
        path: 'environments/pr-3/values/web.yaml',
        content: 'blueberry: {component: web}',
      },
      {
        path: 'environments/pr-4/application.yaml',
        content: 'kind: Application\nmetadata: {name: someone-else}\n',
      },
    ];
    const { environments, problems } = readEnvironments(files);
    expect(environments.map(e => e.name)).toEqual(['pr-1']);
    expect(problems).toEqual([
      expect.stringMatching(/^environments\/pr-2: /),
      'environments/pr-3 has no application.yaml',
      "environments/pr-4: the Application is named 'someone-else', not like its directory 'pr-4'",
    ]);
  });
});

describe('blueberryBlockText', () => {
  it('cuts the blueberry block out of a values file, and keeps files without one whole', () => {
    const values = [
      '# header',
      'blueberry:',
      '  component: web',
      '  host: x.example.com',
      'image:',
      '  digest: sha256:abc',
    ].join('\n');
    expect(blueberryBlockText(values)).toBe(
      'blueberry:\n  component: web\n  host: x.example.com',
    );
    expect(blueberryBlockText('blueberry: {component: web}\n')).toBe(
      'blueberry: {component: web}\n',
    );
  });
});
