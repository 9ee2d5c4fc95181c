export { blueberryApiRef } from './BlueberryApi';
export type { BlueberryApi } from './BlueberryApi';
export { BlueberryClient } from './BlueberryClient';
