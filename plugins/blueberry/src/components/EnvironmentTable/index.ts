export { EnvironmentTable } from './EnvironmentTable';
