import { createRouteRef } from '@backstage/core-plugin-api';

/** The entity page's "Argo CD" tab (classic frontend system). */
export const rootRouteRef = createRouteRef({ id: 'blueberry' });
