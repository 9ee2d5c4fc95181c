export { HealthStatusLabel, SyncStatusLabel, StatusText } from './StatusLabel';
export type { Tone } from './StatusLabel';
