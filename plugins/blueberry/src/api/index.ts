export { blueberryApiRef } from './BlueberryApi';
export type { BlueberryApi, EnvironmentKey } from './BlueberryApi';
export { BlueberryClient } from './BlueberryClient';
