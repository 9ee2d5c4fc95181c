import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  Environment,
  EnvironmentDriftResponse,
  EnvironmentHistoryResponse,
  EnvironmentRollbackResponse,
  EnvironmentsResponse,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  BlueberryApi,
  EnvironmentKey,
  KeepEnvironmentResponse,
} from './BlueberryApi';

/**
 * Talks to Blueberry's backend; the Argo CD token never reaches the browser. Every path parameter is
 * encoded, so an environment or instance name can never address another route.
 *
 * @public
 */
export class BlueberryClient implements BlueberryApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getEnvironments(entityRef: string): Promise<EnvironmentsResponse> {
    const query = new URLSearchParams({ entityRef });
    const response = await this.#request(`/environments?${query}`);
    return response.json();
  }

  async getEnvironment(key: EnvironmentKey): Promise<Environment> {
    const response = await this.#request(environmentPath(key));
    return response.json();
  }

  async refreshEnvironment(key: EnvironmentKey): Promise<void> {
    await this.#request(`${environmentPath(key)}/refresh`, { method: 'POST' });
  }

  async syncEnvironment(key: EnvironmentKey): Promise<void> {
    await this.#request(`${environmentPath(key)}/sync`, { method: 'POST' });
  }

  async keepEnvironment(key: EnvironmentKey): Promise<KeepEnvironmentResponse> {
    const response = await this.#request(`${environmentPath(key)}/keep`, {
      method: 'POST',
    });
    return response.json();
  }

  async getEnvironmentDrift(
    key: EnvironmentKey,
  ): Promise<EnvironmentDriftResponse> {
    const response = await this.#request(`${environmentPath(key)}/drift`);
    return response.json();
  }

  async getEnvironmentHistory(
    key: EnvironmentKey,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<EnvironmentHistoryResponse> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.cursor) query.set('cursor', page.cursor);
    const suffix = query.size ? `?${query}` : '';
    const response = await this.#request(
      `${environmentPath(key)}/history${suffix}`,
    );
    return response.json();
  }

  async rollbackEnvironment(
    key: EnvironmentKey,
    revision: string,
  ): Promise<EnvironmentRollbackResponse> {
    const response = await this.#request(`${environmentPath(key)}/rollback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ revision }),
    });
    return response.json();
  }

  async #request(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('blueberry');
    const response = await this.#fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }
}

function environmentPath({ instance, name }: EnvironmentKey): string {
  return `/environments/${encodeURIComponent(instance)}/${encodeURIComponent(
    name,
  )}`;
}
