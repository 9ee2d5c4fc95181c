import type { Config } from '@backstage/config';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import type { ComponentSpec } from '@blueberry-idp/plugin-blueberry-common';
import { parse } from 'yaml';
import { helmChartReference, HelmChartReference } from '../render/chartSource';
import {
  OciRegistryClient,
  RegistryAccessError,
} from '../registry/OciRegistryClient';

// A chart repository's index.yaml can be large (megabytes for big public repositories): enough
// time to download it, bounded so that a repository that never answers cannot hold a task.
const INDEX_TIMEOUT_MS = 15_000;
// How many versions either side of the asked one a refusal lists.
const NEAREST = 2;
// How many chart names a refusal lists when the chart itself is missing.
const LISTED_CHARTS = 20;

/**
 * Where a check that could not be made is reported: the action's logger.
 *
 * @public
 */
export interface ChartCheckLogger {
  warn(message: string): void;
}

/** @public */
export interface ChartAvailabilityOptions {
  /** Looks up OCI manifests, with the credentials of `blueberry.registries`. */
  registry: OciRegistryClient;
  /** How long an index.yaml may take; default 15 s. */
  indexTimeoutMs?: number;
}

/** The chart names of one repository's index.yaml and their versions; undefined if not readable. */
type ChartIndex = Map<string, string[]> | undefined;

/**
 * Checks, before an environment is written, that every component's chart exists at its exact
 * version where Argo CD will fetch it: in the chart repository's `index.yaml` (`repoURL` + `chart`),
 * or as an OCI manifest (`oci://` artifacts and scheme-less Helm OCI repositories). What it cannot
 * know now it leaves to Argo CD's condition on the card: a chart that exists but fails to render,
 * and a repository that wants credentials Blueberry does not hold (Argo CD may hold them).
 *
 * Errors: a repository that answers without the chart or the version (or with no chart index) is
 * an InputError, since the request names something that does not exist. A repository that cannot
 * be reached (connection refused, unknown host, timeout, 5xx) is a ServiceUnavailableError: from
 * the backend a wrong host and a repository that is down look the same, and trying again later is
 * the right answer to the second.
 *
 * @public
 */
export class ChartAvailability {
  readonly #registry: OciRegistryClient;
  readonly #indexTimeoutMs: number;

  /** With the registries of `blueberry.registries`. */
  static fromConfig(config: Config): ChartAvailability {
    return new ChartAvailability({
      registry: OciRegistryClient.fromConfig(config),
    });
  }

  constructor(options: ChartAvailabilityOptions) {
    this.#registry = options.registry;
    this.#indexTimeoutMs = options.indexTimeoutMs ?? INDEX_TIMEOUT_MS;
  }

  /** Resolves when every chart is there (or could not be checked, with a warning); else throws. */
  async check(
    components: ComponentSpec[],
    logger?: ChartCheckLogger,
  ): Promise<void> {
    // One run reads each index.yaml once, however many components use the repository; the next
    // run reads it again, so a version published in between is seen.
    const indexes = new Map<string, Promise<ChartIndex>>();
    for (const component of components) {
      const reference = helmChartReference(component.chart);
      if (reference.repo.startsWith('oci://')) {
        await this.#checkOci(component.name, reference, logger);
      } else {
        const repo = reference.repo.replace(/\/+$/, '');
        if (!indexes.has(repo))
          indexes.set(repo, this.#readIndex(component.name, repo, logger));
        checkInIndex(component.name, reference, await indexes.get(repo)!);
      }
    }
  }

  async #checkOci(
    component: string,
    reference: HelmChartReference,
    logger: ChartCheckLogger | undefined,
  ): Promise<void> {
    const [host, ...path] = reference.repo.slice('oci://'.length).split('/');
    const repository = [...path, reference.name].filter(Boolean).join('/');
    // Helm pushes a version's `+` (SemVer build metadata) as `_`: OCI tags cannot hold a `+`.
    const tag = reference.version.replaceAll('+', '_');
    const chart = `oci://${host}/${repository}`;
    let found: boolean;
    try {
      found = await this.#registry.hasManifest({ host, repository, tag });
    } catch (error) {
      if (error instanceof RegistryAccessError) {
        logger?.warn(
          `Component '${component}': chart ${chart} version ${reference.version} not checked: ${error.message}; Argo CD reports it on the card if it cannot pull it either`,
        );
        return;
      }
      throw new ServiceUnavailableError(
        `Component '${component}': the OCI registry of chart ${chart} could not be asked for version ${
          reference.version
        }: ${
          (error as Error).message
        }; check repoURL, or try again if the registry is down`,
      );
    }
    if (!found) {
      throw new InputError(
        `Component '${component}': chart ${chart} version ${reference.version} does not exist: registry ${host} has no manifest for ${repository}:${tag} (no such chart, or no such version)`,
      );
    }
  }

  /** The repository's index.yaml, as Helm reads it: `<repoURL>/index.yaml`. */
  async #readIndex(
    component: string,
    repo: string,
    logger: ChartCheckLogger | undefined,
  ): Promise<ChartIndex> {
    const unreachable = (why: string) =>
      new ServiceUnavailableError(
        `Component '${component}': the chart repository ${repo} is unreachable (${why}); check repoURL, or try again if the repository is down`,
      );
    let text: string;
    try {
      // No credentials are sent, so following redirects (as Helm does) leaks nothing.
      const response = await fetch(`${repo}/index.yaml`, {
        signal: AbortSignal.timeout(this.#indexTimeoutMs),
      });
      if (response.status === 401 || response.status === 403) {
        logger?.warn(
          `Chart repository ${repo} refused to show its index.yaml (${response.status}); its charts are not checked at creation, Argo CD reports on the card if it cannot fetch them either`,
        );
        return undefined;
      }
      if (response.status === 404) {
        throw new InputError(
          `Component '${component}': ${repo} is not a Helm chart repository: it has no index.yaml (404); check repoURL`,
        );
      }
      if (!response.ok) throw unreachable(`it answered ${response.status}`);
      text = await response.text();
    } catch (error) {
      if (error instanceof InputError) throw error;
      if (error instanceof ServiceUnavailableError) throw error;
      throw unreachable(describeFetchError(error, this.#indexTimeoutMs));
    }
    return parseIndex(component, repo, text);
  }
}

function parseIndex(component: string, repo: string, text: string): ChartIndex {
  let entries: unknown;
  try {
    entries = (parse(text) as { entries?: unknown } | null)?.entries;
  } catch {
    entries = undefined;
  }
  if (!entries || typeof entries !== 'object' || Array.isArray(entries)) {
    throw new InputError(
      `Component '${component}': ${repo} is not a Helm chart repository: its index.yaml has no chart entries; check repoURL`,
    );
  }
  const charts = new Map<string, string[]>();
  for (const [name, versions] of Object.entries(entries)) {
    charts.set(
      name,
      (Array.isArray(versions) ? versions : [])
        .map(entry => String((entry as { version?: unknown })?.version ?? ''))
        .filter(Boolean),
    );
  }
  return charts;
}

function checkInIndex(
  component: string,
  reference: HelmChartReference,
  index: ChartIndex,
): void {
  if (!index) return;
  const versions = index.get(reference.name);
  if (!versions) {
    const names = [...index.keys()].sort();
    const listed = names.slice(0, LISTED_CHARTS).join(', ');
    throw new InputError(
      `Component '${component}': chart '${
        reference.name
      }' is not in the chart repository ${reference.repo} (it has ${
        names.length === 0
          ? 'no charts'
          : `${listed}${names.length > LISTED_CHARTS ? ', …' : ''}`
      })`,
    );
  }
  if (versions.some(version => sameVersion(version, reference.version))) return;
  const nearest = nearestVersions(versions, reference.version);
  throw new InputError(
    `Component '${component}': chart '${reference.name}' has no version ${
      reference.version
    } in the chart repository ${reference.repo} (${
      nearest.length ? `nearest: ${nearest.join(', ')}` : 'it has no versions'
    })`,
  );
}

/**
 * Helm's `--version 1.4.2` is a SemVer constraint: it matches `1.4.2` and `v1.4.2`, and build
 * metadata does not count (`1.4.2+build.5`).
 */
function sameVersion(listed: string, asked: string): boolean {
  const plain = (version: string) => version.replace(/^v/, '').split('+')[0];
  return listed === asked || plain(listed) === plain(asked);
}

/** Up to NEAREST versions below and above the asked one, in SemVer order. */
function nearestVersions(versions: string[], asked: string): string[] {
  const sorted = [...new Set(versions)].sort(compareVersions);
  let at = sorted.findIndex(version => compareVersions(version, asked) > 0);
  if (at === -1) at = sorted.length;
  return sorted.slice(Math.max(0, at - NEAREST), at + NEAREST);
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/;

/** SemVer precedence (enough for listing neighbours); versions that are not SemVer sort last. */
function compareVersions(a: string, b: string): number {
  const x = SEMVER.exec(a);
  const y = SEMVER.exec(b);
  if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1) || a.localeCompare(b);
  for (let i = 1; i <= 3; i++) {
    const difference = Number(x[i]) - Number(y[i]);
    if (difference) return difference;
  }
  // A pre-release comes before its release; two pre-releases compare by their identifiers.
  if (!x[4] || !y[4]) return (x[4] ? -1 : 0) + (y[4] ? 1 : 0);
  return x[4].localeCompare(y[4], undefined, { numeric: true });
}

/** Node's fetch says "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, ...) is in its cause. */
function describeFetchError(error: unknown, timeoutMs: number): string {
  const failure = error as Error & {
    cause?: { code?: string; message?: string };
  };
  if (failure?.name === 'TimeoutError' || failure?.name === 'AbortError')
    return `no answer within ${timeoutMs / 1000} s`;
  const cause = failure?.cause;
  return cause?.message || cause?.code || failure?.message || String(error);
}
