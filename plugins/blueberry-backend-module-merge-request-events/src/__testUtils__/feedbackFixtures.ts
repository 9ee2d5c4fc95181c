import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type {
  Environment,
  EnvironmentWave,
} from '@blueberry-idp/plugin-blueberry-common';
import type {
  BlueberryEnvironmentFeed,
  FeedEnvironment,
} from '@blueberry-idp/plugin-blueberry-node';
import type { Knex } from 'knex';

export const PULL_URL = 'https://github.com/acme/shop/pull/12';

/** An environment as the backend's REST API serves it: wave `w` and below done, the rest waiting. */
export function environmentAt(options: {
  name?: string;
  mergeRequestUrl?: string;
  doneWaves: number;
  urls?: string[];
  degraded?: { kind: string; name: string; message: string };
}): Environment {
  const waves: EnvironmentWave[] = [0, 1, 2, 3].map(wave => {
    const done = wave < options.doneWaves;
    const degraded = options.degraded && wave === options.doneWaves;
    return {
      wave,
      health: waveHealth({ degraded: Boolean(degraded), done }),
      sync: done ? 'Synced' : 'OutOfSync',
      resources: degraded
        ? [
            {
              group: 'apps',
              kind: options.degraded!.kind,
              namespace: 'pr-12',
              name: options.degraded!.name,
              health: 'Degraded',
              sync: 'Synced',
              message: options.degraded!.message,
            },
          ]
        : [],
    };
  });
  const ready = options.doneWaves >= 4;
  return {
    name: options.name ?? 'pr-12',
    instance: 'local',
    application: options.name ?? 'pr-12',
    labels: {},
    health: waveHealth({ degraded: Boolean(options.degraded), done: ready }),
    sync: ready ? 'Synced' : 'OutOfSync',
    operation: ready ? null : { phase: 'Running', wave: options.doneWaves },
    revision: null,
    syncedAt: null,
    expiresAt: '2030-01-04T12:00:00Z',
    urls: options.urls ?? [],
    argocdUrl: null,
    waves,
    stale: false,
    observedAt: '2030-01-01T12:00:00Z',
    mergeRequestUrl: options.mergeRequestUrl ?? PULL_URL,
  };
}

function waveHealth(state: {
  degraded: boolean;
  done: boolean;
}): 'Degraded' | 'Healthy' | 'Progressing' {
  if (state.degraded) return 'Degraded';
  return state.done ? 'Healthy' : 'Progressing';
}

/**
 * A feed that serves what the test sets: the input of the writer, which in a backend comes from
 * the Argo CD watch (the end-to-end test runs that).
 */
export class SettableFeed implements BlueberryEnvironmentFeed {
  environments: FeedEnvironment[] = [];
  complete = true;

  set(...environments: Environment[]): void {
    this.environments = environments.map(environment => ({
      environment,
      commit: null,
    }));
  }

  async snapshot() {
    return { environments: this.environments, complete: this.complete };
  }

  onChange(): void {}
}

/** The database service of one plugin, over a knex client a test made. */
export function databaseOf(knex: Knex): DatabaseService {
  return { getClient: async () => knex };
}

export function githubIntegrationConfig(apiBaseUrl: string, token: string) {
  return new ConfigReader({
    integrations: { github: [{ host: 'github.com', apiBaseUrl, token }] },
  });
}
