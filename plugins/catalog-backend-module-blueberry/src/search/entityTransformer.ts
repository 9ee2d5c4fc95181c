import { Entity } from '@backstage/catalog-model';
import {
  CatalogCollatorEntityTransformer,
  defaultCatalogCollatorEntityTransformer,
} from '@backstage/plugin-search-backend-module-catalog';

const BLUEBERRY_PREFIX = 'blueberry.io/';

/**
 * Backstage's catalog document plus the entity's `blueberry.io/*` labels, written into the text both
 * as `key=value` (what people paste from a selector) and as bare values, so searching
 * `blueberry.io/environment=pr-123` or `pr-123` finds the entity. Other entities are unchanged.
 *
 * @public
 */
export const blueberryCatalogCollatorEntityTransformer: CatalogCollatorEntityTransformer =
  (entity: Entity) => {
    const document = defaultCatalogCollatorEntityTransformer(entity);
    const labels = Object.entries(entity.metadata.labels ?? {})
      .filter(([key]) => key.startsWith(BLUEBERRY_PREFIX))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    if (labels.length === 0) return document;
    const labelText = labels
      .map(([key, value]) => `${key}=${value} ${value}`)
      .join(' ');
    return {
      ...document,
      text: [document.text, labelText].filter(Boolean).join(' : '),
    };
  };
