/**
 * Blueberry's shared vocabulary, used by the backend, the frontend and the renderer.
 *
 * @packageDocumentation
 */

export * from './vocabulary';
export * from './waves';
export * from './names';
export * from './health';
export * from './permissions';
export * from './spec';
export * from './api';
export * from './resources';
export * from './gitops';
export * from './catalog';
export * from './urls';
export * from './labelSelector';
export * from './tenancy';
export * from './sleep';
export * from './KeyedQueue';
export * from './BoundedMap';
