import { InputError } from '@backstage/errors';
import type { ComponentSpec } from '@blueberry-idp/plugin-blueberry-common';
import type { OciRegistryClient } from '../registry';
import { ttlHours, ttlProblem } from '../ttl';
import type { BlueprintReader, LocatedBlueprint } from './BlueprintReader';
import { expandTagPattern, SourceRevision } from './patterns';

/**
 * What one component will run, for a review step, a log line or a test.
 *
 * @public
 */
export interface DeployedComponent {
  component: string;
  role: ComponentSpec['role'];
  /** `repoURL chart@version`, or the OCI artifact `oci://…@version`. */
  chart: string;
  /** The tag the blueprint asked for (`host/repository:tag`); absent without an image. */
  image?: string;
  /** The digest the registry serves for that tag now. */
  digest?: string;
}

/** @public */
export interface BlueprintResolution {
  /** The environment's components: images pinned by digest, value files merged in. */
  components: ComponentSpec[];
  deployed: DeployedComponent[];
  /** The TTL to ask for: the one given, else the blueprint's `spec.ttl`. */
  ttl?: string;
}

/**
 * Turns a blueprint into the components of one environment at one commit: each `image.repository`
 * with its expanded `image.tag` resolved to the digest the registry serves for it now (a tag not
 * there yet is an InputError naming it), value files read at the commit and merged in order, hosts
 * from the component or `spec.hosts` (patterns the request validator expands). Explicit components
 * replace the blueprint's of the same name, others are added. Reads and resolves everything before
 * returning, so a caller writes nothing unless all of it resolved.
 *
 * @public
 */
export async function resolveBlueprint(
  located: LocatedBlueprint,
  request: {
    revision: SourceRevision;
    /** A TTL the caller asks for; checked against `spec.maxTtl`. */
    ttl?: string;
    /** Components given explicitly, which win over the blueprint's. */
    components?: ComponentSpec[];
  },
  deps: { reader: BlueprintReader; registry: OciRegistryClient },
): Promise<BlueprintResolution> {
  const { spec } = located.blueprint;
  const explicit = new Map(
    (request.components ?? []).map(c => [c.name, c] as const),
  );
  const fromBlueprint = await Promise.all(
    spec.components.map(async (component, i) => {
      if (explicit.has(component.name)) return undefined;
      const field = `blueprint spec.components[${i}]`;
      let image: string | undefined;
      let tagged: string | undefined;
      let digest: string | undefined;
      if (component.image) {
        const tag = expandTagPattern(
          component.image.tag,
          request.revision,
          `${field}.image.tag`,
        );
        tagged = `${component.image.repository}:${tag}`;
        const resolved = await deps.registry.resolve(tagged);
        image = resolved.pinned;
        digest = resolved.digest;
      }
      let values: Record<string, unknown> | undefined;
      for (const [j, path] of (component.values ?? []).entries()) {
        values = deepMerge(
          values ?? {},
          await deps.reader.readValues(located, path, `${field}.values[${j}]`),
        );
      }
      const host =
        component.host ??
        (component.role !== 'database' ? spec.hosts : undefined);
      const result: ComponentSpec = {
        name: component.name,
        role: component.role,
        chart: component.chart,
        ...(image ? { image } : {}),
        ...(host ? { host } : {}),
        ...(values ? { values } : {}),
      };
      const deployed: DeployedComponent = {
        component: component.name,
        role: component.role,
        chart: chartLabel(component.chart),
        ...(tagged ? { image: tagged, digest } : {}),
      };
      return { result, deployed };
    }),
  );
  const components: ComponentSpec[] = [];
  const deployed: DeployedComponent[] = [];
  for (const [i, component] of spec.components.entries()) {
    const own = explicit.get(component.name);
    if (own) {
      components.push(own);
      deployed.push(explicitDeployed(own));
      explicit.delete(component.name);
    } else {
      components.push(fromBlueprint[i]!.result);
      deployed.push(fromBlueprint[i]!.deployed);
    }
  }
  for (const own of explicit.values()) {
    components.push(own);
    deployed.push(explicitDeployed(own));
  }
  return {
    components,
    deployed,
    ttl: checkedTtl(request.ttl ?? spec.ttl, spec.maxTtl),
  };
}

function checkedTtl(ttl: string | undefined, maxTtl: string | undefined) {
  if (ttl && maxTtl && !ttlProblem(ttl) && ttlHours(ttl) > ttlHours(maxTtl)) {
    throw new InputError(
      `Invalid environment request: ttl ${ttl} is longer than the blueprint's spec.maxTtl (${maxTtl})`,
    );
  }
  return ttl;
}

function explicitDeployed(component: ComponentSpec): DeployedComponent {
  const at = component.image?.lastIndexOf('@') ?? -1;
  return {
    component: component.name,
    role: component.role,
    chart: chartLabel(component.chart),
    ...(component.image
      ? {
          image: at === -1 ? component.image : component.image.slice(0, at),
          digest: at === -1 ? undefined : component.image.slice(at + 1),
        }
      : {}),
  };
}

function chartLabel(chart: ComponentSpec['chart']): string {
  return chart.chart
    ? `${chart.repoURL} ${chart.chart}@${chart.targetRevision}`
    : `${chart.repoURL}@${chart.targetRevision}`;
}

/** Helm's merge of value files: mappings merge key by key, anything else is replaced. */
function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = Object.hasOwn(merged, key) ? merged[key] : undefined;
    // Defined, not assigned: a `__proto__` key stays a key, for the validator to refuse.
    Object.defineProperty(merged, key, {
      value:
        isMapping(current) && isMapping(value)
          ? deepMerge(current, value)
          : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return merged;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
