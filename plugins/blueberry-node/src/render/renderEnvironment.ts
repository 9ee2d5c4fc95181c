import {
  componentKustomizationPath,
  componentValuesPath,
  environmentApplicationPath,
  environmentKustomizationPath,
  EnvironmentSpec,
  namespaceManifestPath,
  secretManifestPath,
} from '@blueberry-idp/plugin-blueberry-common';
import { renderSecretReference } from './secrets';
import {
  componentKustomization,
  environmentKustomization,
} from './kustomization';
import { validateEnvironmentSpec } from '../validation/environmentRequest';
import { checkChartSources } from '../validation/sourceRepos';
import { renderApplication } from './application';
import { renderNamespace } from './namespace';
import { RenderedFile, RenderOptions } from './types';
import { componentValues } from './values';
import { KUBERNETES_KEY_ORDER, toGeneratedYaml } from './yaml';

/**
 * Renders one environment: its child Application, its kustomization, per component a kustomization
 * (chart and patches) and a values file, and the Namespace manifest, all under `environments/<env>/`. Validates the spec first (InputError naming the field
 * and rule) and that every chart comes from `blueberry.gitops.sourceRepos`; pure and deterministic: the same spec and options give the same bytes, sorted by path.
 *
 * @public
 */
export function renderEnvironment(
  spec: EnvironmentSpec,
  options: RenderOptions,
): RenderedFile[] {
  const valid = validateEnvironmentSpec(spec);
  checkChartSources(valid, options);
  const files: RenderedFile[] = [
    {
      path: environmentApplicationPath(valid.name),
      content: toGeneratedYaml(
        renderApplication(valid, options),
        KUBERNETES_KEY_ORDER,
      ),
    },
    {
      path: namespaceManifestPath(valid.name),
      content: toGeneratedYaml(
        renderNamespace(valid, options),
        KUBERNETES_KEY_ORDER,
      ),
    },
    ...(valid.secrets ?? []).map(secret => ({
      path: secretManifestPath(valid.name, secret),
      content: toGeneratedYaml(
        renderSecretReference(valid, secret, options),
        KUBERNETES_KEY_ORDER,
      ),
    })),
    {
      path: environmentKustomizationPath(valid.name),
      content: toGeneratedYaml(
        environmentKustomization(valid, options),
        KUBERNETES_KEY_ORDER,
      ),
    },
    ...valid.components.flatMap(component => [
      {
        path: componentKustomizationPath(valid.name, component.name),
        content: toGeneratedYaml(
          componentKustomization(valid, component, options),
          KUBERNETES_KEY_ORDER,
        ),
      },
      {
        path: componentValuesPath(valid.name, component.name),
        content: toGeneratedYaml(componentValues(valid, component), [
          'blueberry',
        ]),
      },
    ]),
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * The preview URLs of an environment: one per component with a host.
 *
 * @public
 */
export function environmentUrls(spec: EnvironmentSpec): string[] {
  return spec.components
    .filter(component => component.host)
    .map(component => `https://${component.host}`)
    .sort();
}
