export { EnvironmentDrift } from './EnvironmentDrift';
