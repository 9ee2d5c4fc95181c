import { createApiRef } from '@backstage/core-plugin-api';
import type { EnvironmentsResponse } from '@blueberry-idp/plugin-blueberry-common';

/** @public */
export interface BlueberryApi {
  getEnvironments(entityRef: string): Promise<EnvironmentsResponse>;
}

/** @public */
export const blueberryApiRef = createApiRef<BlueberryApi>({
  id: 'plugin.blueberry.service',
});
