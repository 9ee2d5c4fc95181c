export { BlueberryLabelPicker } from './BlueberryLabelPicker';
export {
  BlueberryLabelFilter,
  BlueberryEnvironmentFilter,
  BlueberryTypeFilter,
  BlueberryOwnerFilter,
} from './filters';
export type { BlueberryEntityFilters } from './filters';
