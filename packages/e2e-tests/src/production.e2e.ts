/*
 * The production path on real services: the real backend on PostgreSQL (backend.database, as in
 * app-config.production.yaml) with Redis for its cache, the Argo CD stand-in and a GitOps repository.
 * "Create environment" runs through the scaffolder, whose task is kept in PostgreSQL, our backend lists
 * the environment, and the expiry janitor's "warned once" record (what replicas share) lands in Redis.
 * scripts/services.sh starts both servers and exports their connections.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  createEnvironmentThroughScaffolder,
  EnvironmentStack,
  guestToken,
  startEnvironmentStack,
} from './harness';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests through scripts/test.sh, which starts PostgreSQL and Redis (scripts/services.sh)`,
    );
  }
  return value;
}

function psql(url: string, sql: string): string {
  return execFileSync('psql', [url, '-XAtc', sql], { encoding: 'utf8' }).trim();
}

describe('production path: PostgreSQL and Redis', () => {
  const postgres = required('BLUEBERRY_TEST_POSTGRES');
  const redis = new URL(required('BLUEBERRY_TEST_REDIS'));
  // Backstage makes a database per plugin named <prefix><pluginId>; a prefix per run keeps runs apart.
  const prefix = `blueberry_e2e_${randomBytes(4).toString('hex')}_`;
  // Redis outlives a run, so each run's environment has a name of its own.
  const pullRequest = 1000 + (randomBytes(2).readUInt16BE() % 9000);
  const environment = `pr-${pullRequest}`;
  const database = (plugin: string) => {
    const url = new URL(postgres);
    url.pathname = `/${prefix}${plugin}`;
    return url.href;
  };
  let stack: EnvironmentStack;

  before(async () => {
    stack = await startEnvironmentStack({
      name: 'production-backend',
      waveDelayMs: 200,
      config: {
        backend: {
          database: { client: 'pg', connection: postgres, prefix },
          cache: { store: 'redis', connection: redis.href },
        },
        // The janitor every second, so the environment below (2 h left) is warned within the test.
        blueberry: {
          lifecycle: {
            janitor: {
              frequency: { seconds: 1 },
              initialDelay: { seconds: 1 },
            },
          },
        },
      },
    });
  });

  after(async () => {
    await stack?.stop();
    const names = psql(
      postgres,
      `select datname from pg_database where datname like '${prefix}%'`,
    );
    for (const name of names.split('\n').filter(Boolean)) {
      psql(postgres, `drop database if exists "${name}" with (force)`);
    }
  });

  it('keeps the catalog in PostgreSQL', async () => {
    const deadline = Date.now() + 60_000;
    let rows = '';
    while (Date.now() < deadline) {
      rows = psql(
        database('catalog'),
        "select count(*) from final_entities where entity_ref = 'component:default/shop-backend'",
      );
      if (rows === '1') break;
      await sleep(500);
    }
    assert.equal(rows, '1', 'shop-backend is not in the catalog database');
  });

  it('runs "Create environment" with its task in PostgreSQL, and our backend lists the environment', async () => {
    await createEnvironmentThroughScaffolder(stack.backend.baseUrl, {
      entity: 'system:default/shop',
      name: environment,
      type: 'pull-request',
      pullRequest,
      ttl: '2h',
    });
    assert.equal(
      psql(
        database('scaffolder'),
        "select status from tasks where spec like '%create-environment%'",
      ),
      'completed',
    );
    const token = await guestToken(stack.backend.baseUrl);
    const deadline = Date.now() + 30_000;
    let names: string[] = [];
    while (Date.now() < deadline) {
      const response = await fetch(
        `${
          stack.backend.baseUrl
        }/api/blueberry/environments?entityRef=${encodeURIComponent(
          'system:default/shop',
        )}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      assert.equal(response.status, 200);
      names = (await response.json()).items.map(
        (e: { name: string }) => e.name,
      );
      if (names.includes(environment)) break;
      await sleep(300);
    }
    assert.deepEqual(names, [environment]);
  });

  it('shares the expiry warning record through Redis, so replicas warn once', async () => {
    const deadline = Date.now() + 30_000;
    let keys: string[] = [];
    while (Date.now() < deadline) {
      // Backstage's Redis store keeps a plugin's keys as <pluginId>:<base64 of the key>.
      keys = execFileSync(
        'redis-cli',
        ['-u', redis.href, '--scan', '--pattern', 'blueberry:*'],
        { encoding: 'utf8' },
      )
        .split('\n')
        .filter(Boolean)
        .map(key =>
          Buffer.from(key.slice('blueberry:'.length), 'base64').toString(),
        )
        .filter(key => key.startsWith(`expiry-warning:${environment}:`));
      if (keys.length) break;
      await sleep(300);
    }
    assert.equal(
      keys.length,
      1,
      `not one expiry-warning record for ${environment} in Redis: ${keys}`,
    );
  });
});
