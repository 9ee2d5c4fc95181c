import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { EnvironmentsResponse } from '@blueberry-idp/plugin-blueberry-common';
import { BlueberryApi } from './BlueberryApi';

/** Talks to Blueberry's backend; the Argo CD token never reaches the browser. @public */
export class BlueberryClient implements BlueberryApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getEnvironments(entityRef: string): Promise<EnvironmentsResponse> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('blueberry');
    const query = new URLSearchParams({ entityRef });
    const response = await this.#fetchApi.fetch(
      `${baseUrl}/environments?${query}`,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.json();
  }
}
