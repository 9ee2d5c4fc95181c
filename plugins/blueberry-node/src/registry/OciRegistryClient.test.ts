import { ConfigReader } from '@backstage/config';
import http from 'node:http';
import net from 'node:net';
import { OciRegistryClient, parseChallenge } from './OciRegistryClient';
import {
  RealRegistry,
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  startRealRegistry,
} from '../testUtils/realRegistry';

// Debian's docker-registry, a real OCI registry, started once per kind of auth.
describe.each(['none', 'basic', 'token'] as const)(
  'OciRegistryClient on a registry with %s auth',
  auth => {
    let registry: RealRegistry;
    let client: OciRegistryClient;

    beforeAll(async () => {
      registry = await startRealRegistry(auth);
      client = OciRegistryClient.fromConfig(
        new ConfigReader({
          blueberry: {
            registries: [
              {
                host: registry.host,
                insecure: true,
                ...(auth === 'none'
                  ? {}
                  : { username: REGISTRY_USER, password: REGISTRY_PASSWORD }),
              },
            ],
          },
        }),
      );
    }, 30_000);

    afterAll(() => registry?.stop());

    it('resolves a tag to the digest the registry stored for its manifest', async () => {
      const digest = await registry.pushImage('shop/backend', 'abc1234');
      const resolved = await client.resolve(
        `${registry.host}/shop/backend:abc1234`,
      );
      expect(resolved).toEqual({
        host: registry.host,
        repository: 'shop/backend',
        tag: 'abc1234',
        digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        pinned: `${registry.host}/shop/backend@${digest}`,
      });
    });

    it('follows a tag that moves to a new image', async () => {
      const first = await registry.pushImage(
        'shop/storefront',
        'main',
        'first build',
      );
      expect(
        (await client.resolve(`${registry.host}/shop/storefront:main`)).digest,
      ).toBe(first);
      const second = await registry.pushImage(
        'shop/storefront',
        'main',
        'second build',
      );
      expect(second).not.toBe(first);
      expect(
        (await client.resolve(`${registry.host}/shop/storefront:main`)).digest,
      ).toBe(second);
    });

    it('resolves a multi-platform index to the index digest, not one platform', async () => {
      const amd64 = await registry.pushImage(
        'shop/admin',
        'amd64',
        'amd64 build',
      );
      const arm64 = await registry.pushImage(
        'shop/admin',
        'arm64',
        'arm64 build',
      );
      const index = await registry.pushIndex('shop/admin', '1.0.0', [
        amd64,
        arm64,
      ]);
      const resolved = await client.resolve(
        `${registry.host}/shop/admin:1.0.0`,
      );
      expect(resolved.digest).toBe(index);
      expect(resolved.mediaType).toBe(
        'application/vnd.oci.image.index.v1+json',
      );
    });

    it('names the image when its tag is not in the registry', async () => {
      await expect(
        client.resolve(`${registry.host}/shop/backend:def5678`),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: `Image ${registry.host}/shop/backend:def5678 is not in the registry: ${registry.host} has no manifest for tag 'def5678'`,
      });
    });

    if (auth !== 'none') {
      it('says the credentials are wrong when the registry refuses them', async () => {
        const wrong = new OciRegistryClient([
          {
            host: registry.host,
            insecure: true,
            username: REGISTRY_USER,
            password: 'wrong',
          },
        ]);
        await registry.pushImage('shop/backend', 'refused');
        await expect(
          wrong.resolve(`${registry.host}/shop/backend:refused`),
        ).rejects.toMatchObject({
          name: 'RegistryAccessError',
          message: expect.stringContaining(
            'check its credentials in blueberry.registries',
          ),
        });
      });

      it('asks for credentials when none are configured', async () => {
        const anonymous = new OciRegistryClient([
          { host: registry.host, insecure: true },
        ]);
        await expect(
          anonymous.resolve(`${registry.host}/shop/backend:abc1234`),
        ).rejects.toMatchObject({
          name: 'RegistryAccessError',
          message: expect.stringContaining(
            'give its credentials in blueberry.registries',
          ),
        });
      });
    }
  },
);

describe('OciRegistryClient and redirects', () => {
  it('does not send the registry credentials to the host a redirect points at', async () => {
    const seen: Array<string | undefined> = [];
    const elsewhere = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, {
        'docker-content-digest': `sha256:${'a'.repeat(64)}`,
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
      });
      res.end();
    });
    await new Promise<void>(resolve =>
      elsewhere.listen(0, '127.0.0.1', resolve),
    );
    const elsewherePort = (elsewhere.address() as net.AddressInfo).port;
    const redirecting = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(307, {
        location: `http://localhost:${elsewherePort}${req.url}`,
      });
      res.end();
    });
    await new Promise<void>(resolve =>
      redirecting.listen(0, '127.0.0.1', resolve),
    );
    const host = `127.0.0.1:${(redirecting.address() as net.AddressInfo).port}`;
    try {
      const client = new OciRegistryClient([
        { host, insecure: true, token: 'registry-secret' },
      ]);
      const resolved = await client.resolve(`${host}/shop/backend:abc1234`);
      expect(resolved.digest).toBe(`sha256:${'a'.repeat(64)}`);
      expect(seen).toEqual(['Bearer registry-secret', undefined]);
    } finally {
      elsewhere.close();
      redirecting.close();
    }
  });
});

describe('parseChallenge', () => {
  it('reads a bearer challenge as registries send it', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/redis:pull',
      },
    });
  });
});
