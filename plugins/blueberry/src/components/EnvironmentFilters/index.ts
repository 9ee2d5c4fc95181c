export { EnvironmentFilters } from './EnvironmentFilters';
