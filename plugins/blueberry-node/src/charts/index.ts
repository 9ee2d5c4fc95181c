export { ChartAvailability } from './ChartAvailability';
export type {
  ChartAvailabilityOptions,
  ChartCheckLogger,
} from './ChartAvailability';
