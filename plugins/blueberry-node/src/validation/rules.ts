/**
 * The rules a careful platform engineer applies to what goes into the GitOps repository. Each
 * function returns the rule a value breaks (a phrase that completes "<field> ..."), or undefined.
 */

const DIGEST = /@sha256:[a-f0-9]{64}$/;
// registry/path[:tag]@sha256:<64 hex>: the reference grammar of the distribution spec, simplified to
// what registries accept in practice (lowercase path components, an optional port on the registry).
const IMAGE_REFERENCE =
  /^(?<name>(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?@sha256:[a-f0-9]{64}$/;

/** Images must be pinned by digest, and never name the `latest` tag even beside a digest. */
export function imageProblem(image: string): string | undefined {
  if (!DIGEST.test(image)) {
    return 'must be pinned by digest (repository@sha256:<64 hex digits>), not a tag';
  }
  const match = IMAGE_REFERENCE.exec(image);
  if (!match)
    return 'is not a valid image reference (registry/repository[:tag]@sha256:...)';
  if (match.groups?.tag === 'latest') return "must not use the 'latest' tag";
  return undefined;
}

/** Splits a valid image reference into the repository (with registry) and the digest. */
export function splitImage(image: string): {
  repository: string;
  digest: string;
} {
  const at = image.lastIndexOf('@');
  const name = image.slice(0, at);
  // A tag beside a digest is informational only; the digest is what runs. Drop the tag.
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  return {
    repository: colon === -1 ? name : name.slice(0, colon),
    digest: image.slice(at + 1),
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Preview hosts are lowercase DNS names with at least two labels (no wildcards, ports or schemes). */
export function hostProblem(host: string): string | undefined {
  if (host.length > 253)
    return `must be at most 253 characters, got ${host.length}`;
  const labels = host.split('.');
  if (labels.length < 2)
    return 'must be a fully qualified DNS name such as pr-1.shop.example.com';
  for (const label of labels) {
    if (label.length > 63 || !DNS_LABEL.test(label)) {
      return 'must be a DNS name: lowercase labels of letters, digits and "-", at most 63 characters each';
    }
  }
  return undefined;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Chart and Git sources must come over a channel that authenticates the server: `https://` or
 * `oci://`. Plain `http://` and `file://` are accepted only for the local machine (the embedded
 * development setup), never for a remote host.
 */
export function repoURLProblem(repoURL: string): string | undefined {
  let url: URL;
  try {
    url = new URL(repoURL);
  } catch {
    return 'must be an absolute URL (https://... or oci://...)';
  }
  if (url.username || url.password) {
    return 'must not carry credentials; configure repository credentials in Argo CD';
  }
  if (url.protocol === 'https:' || url.protocol === 'oci:') {
    return url.hostname ? undefined : 'must name a host';
  }
  if (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))
    return undefined;
  if (url.protocol === 'file:' && url.hostname === '') return undefined;
  return 'must use https:// or oci:// (http:// and file:// only for the local machine)';
}

const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `registry.example.com/charts`: a Helm OCI repository as Argo CD spells it, without a scheme. */
const OCI_HELM_REPOSITORY =
  /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)+$/;

/**
 * Where a chart may come from. Blueberry inflates each chart with Kustomize's `helmCharts` (renderer
 * README), which pulls from a chart repository or an OCI registry, never from Git. Argo CD's own OCI
 * rules decide the spellings: an `oci://` repoURL is an OCI artifact (the chart itself, `chart`
 * ignored, `path` only `.`), while a Helm OCI repository is written without a scheme and takes
 * `chart`.
 */
export function chartSourceProblem(chart: {
  repoURL: string;
  chart?: string;
  path?: string;
}): { field: 'repoURL' | 'chart' | 'path'; message: string } | undefined {
  const { repoURL } = chart;
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(repoURL);
  if (repoURL.startsWith('oci://')) {
    const problem = repoURLProblem(repoURL);
    if (problem) return { field: 'repoURL', message: problem };
    if (chart.chart !== undefined)
      return {
        field: 'chart',
        message:
          'must be left out with an oci:// repoURL: Argo CD takes an oci:// repoURL as the chart itself and ignores chart; write oci://<registry>/<path>/<chart> (with path "." or none), or the repository without oci:// and chart',
      };
    if (chart.path !== undefined && chart.path !== '.')
      return {
        field: 'path',
        message: 'must be "." (the chart is the OCI artifact\'s root)',
      };
    if (new URL(repoURL).pathname.replace(/\/+$/, '') === '')
      return {
        field: 'repoURL',
        message: 'must name the chart: oci://<registry>/<path>/<chart>',
      };
    return undefined;
  }
  if (chart.path !== undefined)
    return {
      field: 'path',
      message:
        'charts from a Git path are not supported: Blueberry inflates charts with Kustomize (helmCharts), which pulls from a chart repository or an OCI registry; publish the chart (helm package, then helm push or a chart repository index) and name its repoURL and chart',
    };
  if (chart.chart === undefined)
    return {
      field: 'chart',
      message:
        "is required: the chart's name in the chart repository (or use an oci://<registry>/<path>/<chart> repoURL)",
    };
  if (!hasScheme) {
    return OCI_HELM_REPOSITORY.test(repoURL)
      ? undefined
      : {
          field: 'repoURL',
          message:
            'must be https://..., an OCI repository such as registry-1.docker.io/bitnamicharts, or oci://<registry>/<path>/<chart>',
        };
  }
  const problem = repoURLProblem(repoURL);
  if (problem) return { field: 'repoURL', message: problem };
  if (repoURL.startsWith('file:'))
    return {
      field: 'repoURL',
      message:
        'must be a chart repository (https://, or http:// on the local machine) or an OCI registry; Helm cannot pull charts from file://',
    };
  return undefined;
}

/** A chart name in a chart repository: one path segment. */
export function chartNameProblem(chart: string): string | undefined {
  return CHART_NAME.test(chart) && chart.length <= 253
    ? undefined
    : 'must be a chart name (letters, digits, ".", "_" and "-")';
}

const REVISION = /^[A-Za-z0-9][A-Za-z0-9._\/+-]*$/;
// Ranges, wildcards (`*`, `1.x`) and partial versions (`1`, `1.2`) all float in Helm.
const FLOATING_VERSION = /[*^~<>=| ]|(^|\.)x(\.|$)|^v?\d+(\.\d+)?$/i;

/**
 * A chart's targetRevision: pinned to one exact version (`1.4.2`), because a range would change
 * what runs without a commit.
 */
export function targetRevisionProblem(revision: string): string | undefined {
  if (FLOATING_VERSION.test(revision) || revision === 'HEAD') {
    return 'must pin one exact chart version such as 1.4.2, not a range or wildcard';
  }
  if (
    revision.length === 0 ||
    revision.length > 255 ||
    !REVISION.test(revision)
  ) {
    return 'must be a version, tag, branch or commit without spaces';
  }
  return undefined;
}

const ENTITY_REF =
  /^(?:[a-zA-Z][a-zA-Z0-9-]*:)?(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

/** A catalog entity ref such as `group:default/team-shop`. */
export function entityRefProblem(ref: string): string | undefined {
  if (ref.length > 253 || !ENTITY_REF.test(ref)) {
    return 'must be a catalog entity ref such as group:default/team-shop';
  }
  return undefined;
}

/** Merge request links go to a web page over http(s), nothing else (no javascript:, no data:). */
export function webUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https:// URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'must be an http(s) URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (value.length > 2048) return 'must be at most 2048 characters';
  return undefined;
}
