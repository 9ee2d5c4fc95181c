export { blueberryApiRef } from './BlueberryApi';
export type {
  BlueberryApi,
  EnvironmentKey,
  KeepEnvironmentResponse,
} from './BlueberryApi';
export { BlueberryClient } from './BlueberryClient';
