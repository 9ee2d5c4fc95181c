import { Entity } from '@backstage/catalog-model';
import {
  DefaultEntityFilters,
  EntityFilter,
} from '@backstage/plugin-catalog-react';
import { BLUEBERRY_LABELS } from '@blueberry-idp/plugin-blueberry-common';

/**
 * Keeps the entities whose `blueberry.io/*` label `key` has one of `values`. The catalog backend does
 * the filtering (`metadata.labels.<key>`); `filterEntity` says the same for entities already loaded.
 *
 * @public
 */
export class BlueberryLabelFilter implements EntityFilter {
  constructor(readonly key: string, readonly values: string[]) {}

  getCatalogFilters(): Record<string, string[]> {
    return { [`metadata.labels.${this.key}`]: this.values };
  }

  filterEntity(entity: Entity): boolean {
    const value = entity.metadata.labels?.[this.key];
    return value !== undefined && this.values.includes(value);
  }

  toQueryValue(): string[] {
    return this.values;
  }
}

/** Entities of one environment (`blueberry.io/environment`). @public */
export class BlueberryEnvironmentFilter extends BlueberryLabelFilter {
  constructor(values: string[]) {
    super(BLUEBERRY_LABELS.environment, values);
  }
}

/** Environments of one kind: pull-request, feature, long-lived (`blueberry.io/type`). @public */
export class BlueberryTypeFilter extends BlueberryLabelFilter {
  constructor(values: string[]) {
    super(BLUEBERRY_LABELS.type, values);
  }
}

/** Environments of one owning group (`blueberry.io/owner`). @public */
export class BlueberryOwnerFilter extends BlueberryLabelFilter {
  constructor(values: string[]) {
    super(BLUEBERRY_LABELS.owner, values);
  }
}

/**
 * The catalog's filters plus Blueberry's; the keys are the query parameters
 * (`?filters[blueberryEnvironment]=pr-123`).
 *
 * @public
 */
export type BlueberryEntityFilters = DefaultEntityFilters & {
  blueberryEnvironment?: BlueberryEnvironmentFilter;
  blueberryType?: BlueberryTypeFilter;
  blueberryOwner?: BlueberryOwnerFilter;
};
