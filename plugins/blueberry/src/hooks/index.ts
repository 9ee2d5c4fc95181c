export { useEnvironments } from './useEnvironments';
export type { EnvironmentsState } from './useEnvironments';
export {
  useLiveUpdates,
  FALLBACK_POLL_INTERVAL_MS,
  SETTLING_POLL_INTERVAL_MS,
} from './useLiveUpdates';
export { useEnvironmentDetail } from './useEnvironmentDetail';
export { useEnvironmentActions } from './useEnvironmentActions';
export type { EnvironmentAction } from './useEnvironmentActions';
