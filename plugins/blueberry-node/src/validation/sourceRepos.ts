import { InputError } from '@backstage/errors';
import {
  EnvironmentSpec,
  isSourcePermitted,
} from '@blueberry-idp/plugin-blueberry-common';
import { RenderOptions } from '../render/types';

/**
 * Refuses a chart whose repository `blueberry.gitops.sourceRepos` does not allow, matched as Argo CD
 * matches an AppProject's `sourceRepos`. Argo CD itself checks only the Application's source (the
 * GitOps repository): the charts are pulled by Kustomize inside the repo-server, out of the
 * project's sight, so this check at creation (and the merge request's review) is what keeps them
 * to the list.
 */
export function checkChartSources(
  spec: EnvironmentSpec,
  options: RenderOptions,
): void {
  const allowed = options.gitops.sourceRepos ?? [];
  const refused = spec.components.flatMap((component, i) =>
    isSourcePermitted(allowed, component.chart.repoURL)
      ? []
      : [
          `components[${i}].chart.repoURL '${
            component.chart.repoURL
          }' is not an allowed chart source (blueberry.gitops.sourceRepos: ${
            allowed.length ? allowed.join(', ') : 'none'
          })`,
        ],
  );
  if (refused.length)
    throw new InputError(`Invalid environment spec: ${refused.join('; ')}`);
}
