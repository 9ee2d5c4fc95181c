import { EntityAutocompletePicker } from '@backstage/plugin-catalog-react';
import { BLUEBERRY_LABELS } from '@blueberry-idp/plugin-blueberry-common';
import {
  BlueberryEntityFilters,
  BlueberryEnvironmentFilter,
  BlueberryOwnerFilter,
  BlueberryTypeFilter,
} from './filters';

const labelPath = (key: string) => `metadata.labels.${key}`;

/**
 * Catalog filters by `blueberry.io/*` label: environment, environment type and owner. Each picker
 * offers the values the catalog holds for the entities of the selected kind (catalog facets) and
 * hides itself when there are none, so the filters appear only where environments are.
 *
 * @public
 */
export function BlueberryLabelPicker() {
  return (
    <>
      <EntityAutocompletePicker<BlueberryEntityFilters, 'blueberryEnvironment'>
        label="Environment"
        name="blueberryEnvironment"
        path={labelPath(BLUEBERRY_LABELS.environment)}
        Filter={BlueberryEnvironmentFilter}
        showCounts
      />
      <EntityAutocompletePicker<BlueberryEntityFilters, 'blueberryType'>
        label="Environment type"
        name="blueberryType"
        path={labelPath(BLUEBERRY_LABELS.type)}
        Filter={BlueberryTypeFilter}
        showCounts
      />
      <EntityAutocompletePicker<BlueberryEntityFilters, 'blueberryOwner'>
        label="Environment owner"
        name="blueberryOwner"
        path={labelPath(BLUEBERRY_LABELS.owner)}
        Filter={BlueberryOwnerFilter}
        showCounts
      />
    </>
  );
}
