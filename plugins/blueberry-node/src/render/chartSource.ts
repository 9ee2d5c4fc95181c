import { ChartSource } from '@blueberry-idp/plugin-blueberry-common';

/**
 * A chart as Kustomize's `helmCharts` pulls it: `helm pull <repo>/<name> --version <version>`.
 *
 * @public
 */
export interface HelmChartReference {
  repo: string;
  name: string;
  version: string;
}

/**
 * Where a component's chart comes from, in the two spellings Argo CD itself accepts for OCI (its
 * `oci://` repoURL is an OCI artifact, so the chart's name is the last path segment and `chart` is
 * ignored; a Helm OCI repository has no scheme and takes `chart`) and the plain chart repository.
 * The validator has refused every other spelling.
 *
 * @public
 */
export function helmChartReference(chart: ChartSource): HelmChartReference {
  const version = chart.targetRevision;
  if (chart.repoURL.startsWith('oci://')) {
    const url = chart.repoURL.replace(/\/+$/, '');
    const slash = url.lastIndexOf('/');
    return { repo: url.slice(0, slash), name: url.slice(slash + 1), version };
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(chart.repoURL)) {
    return {
      repo: `oci://${chart.repoURL.replace(/\/+$/, '')}`,
      name: chart.chart!,
      version,
    };
  }
  return { repo: chart.repoURL, name: chart.chart!, version };
}
