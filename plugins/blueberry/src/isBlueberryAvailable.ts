import { Entity } from '@backstage/catalog-model';
import {
  BLUEBERRY_APP_ANNOTATION,
  COMPAT_ANNOTATIONS,
} from '@blueberry-idp/plugin-blueberry-common';

/** True when the entity names its environments by one of the annotations Blueberry reads. @public */
export function isBlueberryAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[BLUEBERRY_APP_ANNOTATION] ||
      annotations[COMPAT_ANNOTATIONS.appSelector] ||
      annotations[COMPAT_ANNOTATIONS.appName],
  );
}
