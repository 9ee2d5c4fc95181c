import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  createHash,
  createSign,
  randomBytes,
  X509Certificate,
} from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

const REGISTRY_BINARY = '/usr/bin/docker-registry';
/** @public */
export const REGISTRY_USER = 'blueberry';
/** @public */
export const REGISTRY_PASSWORD = 'registry-test-password';
const ISSUER = 'blueberry-test-issuer';
const SERVICE = 'blueberry-test-registry';

/**
 * Debian's real OCI registry (the distribution project), on a free port with its own storage.
 *
 * @public
 */
export interface RealRegistry {
  /** `<address>:<port>` (default address 127.0.0.1), as an image reference names the registry. */
  host: string;
  /** Pushes a small image (config, one layer, manifest) under a tag; returns the manifest's digest. */
  pushImage(repository: string, tag: string, content?: string): Promise<string>;
  /** Pushes an OCI index over the given manifests under a tag; returns the index's digest. */
  pushIndex(
    repository: string,
    tag: string,
    manifests: string[],
  ): Promise<string>;
  stop(): Promise<void>;
}

/** @public */
export type RegistryAuth = 'none' | 'basic' | 'token';

async function freePort(address = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, address, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * Starts the registry with no auth, htpasswd (basic) auth, or token auth: the registry checks the
 * JWTs a small token service here signs, against a certificate made with openssl for this run.
 *
 * @public
 */
export async function startRealRegistry(
  auth: RegistryAuth,
  options: {
    /** A fixed port (a blueprint naming `127.0.0.1:<port>`); a free one when absent. */
    port?: number;
    /** The local address to listen on; another than loopback shows what clients do off localhost. */
    address?: string;
  } = {},
): Promise<RealRegistry> {
  if (!fs.existsSync(REGISTRY_BINARY)) {
    throw new Error(
      `${REGISTRY_BINARY} is missing: scripts/setup.sh installs Debian's docker-registry package`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueberry-registry-'));
  const address = options.address ?? '127.0.0.1';
  const port = options.port ?? (await freePort(address));
  const host = `${address}:${port}`;
  let tokenService: TokenService | undefined;
  let authConfig = '';
  if (auth === 'basic') {
    const line = execFileSync(
      'htpasswd',
      ['-nbB', REGISTRY_USER, REGISTRY_PASSWORD],
      {
        encoding: 'utf8',
      },
    );
    fs.writeFileSync(path.join(dir, 'htpasswd'), `${line.trim()}\n`);
    authConfig = `auth:\n  htpasswd:\n    realm: blueberry-test\n    path: ${dir}/htpasswd\n`;
  } else if (auth === 'token') {
    tokenService = await startTokenService(dir);
    authConfig = [
      'auth:',
      '  token:',
      `    realm: ${tokenService.url}/token`,
      `    service: ${SERVICE}`,
      `    issuer: ${ISSUER}`,
      `    rootcertbundle: ${tokenService.certFile}`,
      '',
    ].join('\n');
  }
  fs.writeFileSync(
    path.join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${dir}/data`,
      'http:',
      `  addr: ${host}`,
      authConfig,
    ].join('\n'),
  );
  const log = fs.openSync(path.join(dir, 'registry.log'), 'w');
  const child = spawn(
    REGISTRY_BINARY,
    ['serve', path.join(dir, 'config.yml')],
    {
      stdio: ['ignore', log, log],
    },
  );
  await waitUntilServing(
    `http://${host}/v2/`,
    child,
    path.join(dir, 'registry.log'),
  );

  const authorization = async (repository: string) => {
    if (auth === 'basic') {
      return `Basic ${Buffer.from(
        `${REGISTRY_USER}:${REGISTRY_PASSWORD}`,
      ).toString('base64')}`;
    }
    if (auth === 'token') {
      return `Bearer ${tokenService!.sign(REGISTRY_USER, repository, [
        'pull',
        'push',
      ])}`;
    }
    return undefined;
  };
  const base = `http://${host}/v2`;

  async function pushBlob(
    repository: string,
    content: Buffer,
  ): Promise<string> {
    const digest = `sha256:${createHash('sha256')
      .update(content)
      .digest('hex')}`;
    const headers: Record<string, string> = {};
    const signed = await authorization(repository);
    if (signed) headers.authorization = signed;
    const started = await fetch(`${base}/${repository}/blobs/uploads/`, {
      method: 'POST',
      headers,
    });
    if (started.status !== 202)
      throw new Error(`blob upload: ${started.status}`);
    const location = new URL(started.headers.get('location')!, base);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: content,
    });
    if (put.status !== 201)
      throw new Error(`blob put: ${put.status} ${await put.text()}`);
    return digest;
  }

  async function pushManifest(
    repository: string,
    tag: string,
    mediaType: string,
    manifest: unknown,
  ): Promise<string> {
    const headers: Record<string, string> = { 'content-type': mediaType };
    const signed = await authorization(repository);
    if (signed) headers.authorization = signed;
    const response = await fetch(`${base}/${repository}/manifests/${tag}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(manifest),
    });
    if (response.status !== 201) {
      throw new Error(
        `manifest put: ${response.status} ${await response.text()}`,
      );
    }
    return response.headers.get('docker-content-digest')!;
  }

  const sizes = new Map<string, number>();
  return {
    host,
    async pushImage(repository, tag, content = `${repository}:${tag}`) {
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Labels: { content } },
        }),
      );
      const layer = Buffer.from(content);
      const manifest = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: await pushBlob(repository, config),
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: await pushBlob(repository, layer),
            size: layer.length,
          },
        ],
      };
      const digest = await pushManifest(
        repository,
        tag,
        manifest.mediaType,
        manifest,
      );
      sizes.set(digest, Buffer.byteLength(JSON.stringify(manifest)));
      return digest;
    },
    async pushIndex(repository, tag, manifests) {
      const index = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: manifests.map((digest, i) => ({
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest,
          size: sizes.get(digest),
          platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
        })),
      };
      return pushManifest(repository, tag, index.mediaType, index);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise(resolve =>
        child.exitCode === null
          ? child.once('exit', resolve)
          : resolve(undefined),
      );
      await tokenService?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilServing(
  url: string,
  child: ChildProcess,
  logFile: string,
) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `docker-registry exited: ${fs.readFileSync(logFile, 'utf8')}`,
      );
    }
    try {
      const response = await fetch(url);
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`docker-registry did not answer at ${url} within 20 s`);
}

interface TokenService {
  url: string;
  certFile: string;
  /** Tokens handed out so far, with the scope each asked for. */
  sign(subject: string, repository: string, actions: string[]): string;
  stop(): Promise<void>;
}

/**
 * The token service of the distribution spec's token authentication: a client that shows the
 * registry user's basic credentials gets a JWT for the scope it asked, signed with a key whose
 * certificate the registry trusts. What the token may do is checked by the registry, not here.
 */
async function startTokenService(dir: string): Promise<TokenService> {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=blueberry-test-token-service',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  const key = fs.readFileSync(keyFile, 'utf8');
  const certificate = new X509Certificate(fs.readFileSync(certFile));
  const x5c = certificate.raw.toString('base64');
  const base64url = (value: unknown) =>
    Buffer.from(
      typeof value === 'string' ? value : JSON.stringify(value),
    ).toString('base64url');

  const sign = (subject: string, repository: string, actions: string[]) => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url({ alg: 'RS256', typ: 'JWT', x5c: [x5c] });
    const claims = base64url({
      iss: ISSUER,
      sub: subject,
      aud: SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access: [{ type: 'repository', name: repository, actions }],
    });
    const signature = createSign('RSA-SHA256')
      .update(`${header}.${claims}`)
      .sign(key);
    return `${header}.${claims}.${signature.toString('base64url')}`;
  };

  const expected = `Basic ${Buffer.from(
    `${REGISTRY_USER}:${REGISTRY_PASSWORD}`,
  ).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const scope = url.searchParams.get('scope') ?? '';
    const [, repository = '', actions = ''] = scope.split(':');
    if (url.pathname !== '/token' || req.headers.authorization !== expected) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token: sign(REGISTRY_USER, repository, actions.split(',')),
        expires_in: 300,
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    certFile,
    sign,
    stop: () => new Promise(resolve => server.close(() => resolve())),
  };
}
