export { EnvironmentGraph } from './EnvironmentGraph';
