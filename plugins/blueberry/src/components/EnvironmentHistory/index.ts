export { EnvironmentHistory } from './EnvironmentHistory';
