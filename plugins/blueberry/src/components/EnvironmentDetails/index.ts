export { EnvironmentDetails } from './EnvironmentDetails';
