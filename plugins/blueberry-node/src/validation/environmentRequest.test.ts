import { InputError } from '@backstage/errors';
import { shopPullRequestSpec } from '../__fixtures__/shopEnvironment';
import {
  validateEnvironmentRequest,
  validateEnvironmentSpec,
} from './environmentRequest';

const now = new Date('2030-01-01T12:00:00.123Z');
const { expiresAt: _expiresAt, ...shop } = shopPullRequestSpec;
const request = { ...shop, ttl: '72h' };
const backend = shop.components[0];
const frontend = shop.components[2];

function refusal(input: unknown): string {
  try {
    validateEnvironmentRequest(input, { now });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError, got none');
}

const withComponent = (patch: Record<string, unknown>, base = backend) => ({
  ...request,
  components: [{ ...base, ...patch }],
});

describe('validateEnvironmentRequest', () => {
  it('turns a TTL into an RFC 3339 expiry counted from now', () => {
    expect(validateEnvironmentRequest(request, { now }).expiresAt).toBe(
      '2030-01-04T12:00:00Z',
    );
    expect(
      validateEnvironmentRequest({ ...request, ttl: '2w' }, { now }).expiresAt,
    ).toBe('2030-01-15T12:00:00Z');
  });

  it('expands {component} and {environment} in hosts, then checks the names they make', () => {
    const spec = validateEnvironmentRequest(
      withComponent(
        { host: '{component}-{environment}.preview.example.com' },
        frontend,
      ),
      { now },
    );
    expect(spec.components[0].host).toBe(
      'storefront-pr-123.preview.example.com',
    );
    expect(
      refusal(
        withComponent(
          { host: '{component}_{environment}.example.com' },
          frontend,
        ),
      ),
    ).toMatch(/components\[0\]\.host must be a DNS name/);
  });

  it('takes ExternalSecret and SealedSecret references, and refuses a Secret or a bare one', () => {
    expect(validateEnvironmentRequest(request, { now }).secrets).toEqual(
      shop.secrets,
    );
    const withSecret = (secret: unknown) => ({ ...request, secrets: [secret] });
    expect(
      refusal(
        withSecret({
          kind: 'Secret',
          name: 'shop-db',
          spec: { stringData: { password: 'x' } },
        }),
      ),
    ).toMatch(
      /secrets\[0\]\.kind must be ExternalSecret or SealedSecret: a Secret would put its data in Git in the clear/,
    );
    expect(
      refusal(withSecret({ kind: 'SealedSecret', name: 'r', spec: {} })),
    ).toMatch(/secrets\[0\]\.spec\.encryptedData must map keys to ciphertext/);
    expect(
      refusal(withSecret({ kind: 'ExternalSecret', name: 'db', spec: {} })),
    ).toMatch(/secrets\[0\]\.spec must name a secretStoreRef/);
    expect(
      refusal(
        withSecret({
          kind: 'ExternalSecret',
          name: 'db',
          spec: {
            secretStoreRef: { name: 'vault' },
            target: { template: { data: { key: `ghp_${'a'.repeat(36)}` } } },
          },
        }),
      ),
    ).toMatch(/looks like a credential/);
    expect(
      refusal({ ...request, secrets: [shop.secrets![0], shop.secrets![0]] }),
    ).toMatch(/secrets\[1\]\.name duplicates secret 'shop-db'/);
  });

  it('defaults the type to pull-request', () => {
    const { type: _type, ...untyped } = request;
    expect(validateEnvironmentRequest(untyped, { now }).type).toBe(
      'pull-request',
    );
  });

  it.each([
    ['name', { ...request, name: 'PR_123' }, /name must be a DNS-1123 label/],
    ['name', { ...request, name: 'a'.repeat(54) }, /name must be at most 53/],
    ['name', { ...request, name: 'kube-system' }, /name is reserved/],
    ['name', { ...request, name: 'default' }, /name is reserved/],
    ['app', { ...request, app: 'a'.repeat(64) }, /app must be at most 63/],
    ['app', { ...request, app: '' }, /app must not be empty/],
    [
      'owner',
      { ...request, owner: 'group:default/' },
      /owner must be a catalog entity ref/,
    ],
    ['type', { ...request, type: 'preview' }, /type Invalid enum value/],
    [
      'pullRequest',
      { ...request, pullRequest: -1 },
      /pullRequest Number must be greater than 0/,
    ],
    [
      'pullRequest',
      { ...request, pullRequest: undefined },
      /pullRequest is required/,
    ],
    [
      'mergeRequestUrl',
      { ...request, mergeRequestUrl: ['javascript', 'alert(1)'].join(':') },
      /mergeRequestUrl must be an http\(s\) URL/,
    ],
    [
      'ttl',
      { ...request, ttl: '3 days' },
      /ttl must be a whole number of hours, days or weeks/,
    ],
    ['ttl', { ...request, ttl: '9999d' }, /ttl must be at most 365d/],
    [
      'ttl',
      { ...request, type: 'long-lived', ttl: '7d' },
      /ttl is not allowed for a long-lived/,
    ],
    [
      'components',
      { ...request, components: [] },
      /components Array must contain at least 1/,
    ],
    [
      'unknown field',
      { ...request, hosts: ['x'] },
      /Unrecognized key\(s\) in object: 'hosts'/,
    ],
    [
      'image',
      withComponent({ image: 'registry.example.com/shop/backend:1.2.3' }),
      /components\[0\]\.image must be pinned by digest/,
    ],
    [
      'image',
      withComponent({ image: `shop/backend:latest@sha256:${'a'.repeat(64)}` }),
      /components\[0\]\.image must not use the 'latest' tag/,
    ],
    [
      'image',
      withComponent({ image: undefined }),
      /components\[0\]\.image is required for a backend/,
    ],
    [
      'role',
      withComponent({ role: 'cache' }),
      /components\[0\]\.role Invalid enum value/,
    ],
    [
      'host',
      withComponent({ host: undefined }, frontend),
      /components\[0\]\.host is required for a frontend/,
    ],
    [
      'host',
      withComponent({ host: 'https://pr-1.example.com' }, frontend),
      /components\[0\]\.host must be a DNS name/,
    ],
    [
      'host',
      withComponent({ host: 'localhost' }, frontend),
      /components\[0\]\.host must be a fully qualified DNS name/,
    ],
    [
      'chart',
      withComponent({ chart: { ...backend.chart, path: 'charts/x' } }),
      /components\[0\]\.chart\.path charts from a Git path are not supported: Blueberry inflates charts with Kustomize/,
    ],
    [
      'chart',
      withComponent({
        chart: { repoURL: 'https://c.example.com', targetRevision: '1.0.0' },
      }),
      /chart\.chart is required/,
    ],
    [
      'chart',
      withComponent({
        chart: {
          repoURL: 'oci://registry-1.docker.io/bitnamicharts',
          chart: 'redis',
          targetRevision: '20.6.2',
        },
      }),
      /chart\.chart must be left out with an oci:\/\/ repoURL: Argo CD takes an oci:\/\/ repoURL as the chart itself/,
    ],
    [
      'chart',
      withComponent({
        chart: {
          repoURL: 'oci://registry-1.docker.io/bitnamicharts/redis',
          path: 'charts',
          targetRevision: '20.6.2',
        },
      }),
      /chart\.path must be "\."/,
    ],
    [
      'chart',
      withComponent({
        chart: {
          repoURL: 'file:///srv/charts',
          chart: 'redis',
          targetRevision: '1.0.0',
        },
      }),
      /chart\.repoURL must be a chart repository .*Helm cannot pull charts from file:\/\//,
    ],
    [
      'repoURL',
      withComponent({
        chart: { ...backend.chart, repoURL: 'http://charts.example.com' },
      }),
      /chart\.repoURL must use https:\/\/ or oci:\/\//,
    ],
    [
      'repoURL',
      withComponent({
        chart: {
          ...backend.chart,
          repoURL: 'https://user:pw@charts.example.com',
        },
      }),
      /chart\.repoURL must not carry credentials/,
    ],
    [
      'path',
      withComponent({
        chart: {
          repoURL: 'oci://registry.example.com/charts/redis',
          path: '../../etc',
          targetRevision: '1.0.0',
        },
      }),
      /chart\.path must be "\."/,
    ],
    [
      'targetRevision',
      withComponent({ chart: { ...backend.chart, targetRevision: '^1.4.0' } }),
      /chart\.targetRevision must pin one exact chart version/,
    ],
    [
      'targetRevision',
      withComponent({ chart: { ...backend.chart, targetRevision: '1.x' } }),
      /chart\.targetRevision must pin one exact chart version/,
    ],
    [
      'values',
      withComponent({ values: { auth: { password: 'hunter2' } } }),
      /values\.auth\.password must not hold a literal secret/,
    ],
    [
      'values',
      withComponent({ values: { apiKey: 'abc' } }),
      /values\.apiKey must not hold a literal secret/,
    ],
    [
      'values',
      withComponent({
        values: {
          env: [
            { name: 'X', value: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
          ],
        },
      }),
      /values\.env\[0\]\.value looks like a credential/,
    ],
    [
      'values',
      withComponent({
        values: { extraObjects: [{ kind: 'Secret', stringData: { a: 'b' } }] },
      }),
      /must not embed a Kubernetes Secret/,
    ],
    [
      'values',
      withComponent({ values: { blueberry: { wave: 9 } } }),
      /values\.blueberry is reserved/,
    ],
    [
      'values',
      withComponent({
        values: JSON.parse('{"__proto__": {"polluted": true}}'),
      }),
      /values\.__proto__ is not an allowed key/,
    ],
    [
      'database host',
      withComponent({ host: 'redis.example.com' }, shop.components[1]),
      /host is not allowed for a database/,
    ],
    [
      'component name',
      withComponent({ name: 'application' }),
      /must not be 'application'/,
    ],
    [
      'duplicate names',
      { ...request, components: [backend, backend] },
      /components\[1\]\.name duplicates component 'shop-backend'/,
    ],
    [
      'duplicate hosts',
      { ...request, components: [frontend, { ...frontend, name: 'other' }] },
      /components\[1\]\.host duplicates host/,
    ],
  ])('refuses a bad %s', (_field, input, rule) => {
    expect(refusal(input)).toMatch(rule);
  });

  it('names every field that breaks a rule, not only the first', () => {
    const message = refusal({ ...request, name: 'Bad', ttl: 'soon' });
    expect(message).toMatch(/name must be a DNS-1123 label/);
    expect(message).toMatch(/ttl must be a whole number/);
  });

  it('accepts references to secrets made by ExternalSecrets or SealedSecrets', () => {
    expect(() =>
      validateEnvironmentRequest(
        withComponent({
          values: {
            auth: {
              existingSecret: 'shop-redis',
              existingSecretPasswordKey: 'redis-password',
            },
            env: [
              {
                name: 'TOKEN',
                valueFrom: { secretKeyRef: { name: 'api', key: 'token' } },
              },
            ],
            passwordSecretName: 'db-password',
            extraObjects: [
              {
                kind: 'ExternalSecret',
                spec: { secretStoreRef: { name: 'vault' } },
              },
              {
                kind: 'SealedSecret',
                spec: {
                  encryptedData: { password: 'AgBy3i4OJSWK+PiTySYZZA==' },
                },
              },
            ],
          },
        }),
        { now },
      ),
    ).not.toThrow();
  });
});

describe('validateEnvironmentSpec', () => {
  it('refuses an expiry that is not RFC 3339 and one on a long-lived environment', () => {
    expect(() =>
      validateEnvironmentSpec({
        ...shopPullRequestSpec,
        expiresAt: 'tomorrow',
      }),
    ).toThrow(/expiresAt must be an RFC 3339 UTC time/);
    expect(() =>
      validateEnvironmentSpec({
        ...shopPullRequestSpec,
        type: 'long-lived',
        pullRequest: undefined,
      }),
    ).toThrow(/expiresAt is not allowed for a long-lived environment/);
  });
});
