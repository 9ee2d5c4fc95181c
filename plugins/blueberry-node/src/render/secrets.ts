import {
  EnvironmentSpec,
  SecretReferenceSpec,
} from '@blueberry-idp/plugin-blueberry-common';
import { waveAnnotation } from './metadata';
import { namespaceOf, RenderOptions } from './types';

/** The API version of each secret reference kind (External Secrets Operator v1, Sealed Secrets). */
const API_VERSIONS: Record<SecretReferenceSpec['kind'], string> = {
  ExternalSecret: 'external-secrets.io/v1',
  SealedSecret: 'bitnami.com/v1alpha1',
};

/**
 * A secret reference as a manifest in wave 0, so the Secret it makes exists before the workloads of
 * waves 1 and 2 mount it. Its labels and namespace come from the environment's kustomization.
 */
export function renderSecretReference(
  spec: EnvironmentSpec,
  secret: SecretReferenceSpec,
  options: RenderOptions,
): object {
  return {
    apiVersion: API_VERSIONS[secret.kind],
    kind: secret.kind,
    metadata: {
      name: secret.name,
      // A SealedSecret's ciphertext is bound to this namespace (kubeseal's default strict scope).
      namespace: namespaceOf(spec.name, options),
      annotations: waveAnnotation(0),
    },
    spec: secret.spec,
  };
}
