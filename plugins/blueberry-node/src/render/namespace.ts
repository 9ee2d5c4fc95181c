import { EnvironmentSpec } from '@blueberry-idp/plugin-blueberry-common';
import {
  environmentAnnotations,
  environmentLabels,
  waveAnnotation,
} from './metadata';
import { namespaceOf, RenderOptions } from './types';

/**
 * The environment's Namespace as a managed wave-0 object. A namespace made only by
 * `CreateNamespace=true` is not tracked and survives the Application's deletion (Argo CD #4435);
 * rendered here, the resources finalizer deletes it with everything else.
 */
export function renderNamespace(
  spec: EnvironmentSpec,
  options: RenderOptions,
): object {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespaceOf(spec.name, options),
      labels: environmentLabels(spec),
      annotations: { ...environmentAnnotations(spec), ...waveAnnotation(0) },
    },
  };
}
