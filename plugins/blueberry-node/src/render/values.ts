import {
  ComponentSpec,
  ComponentValuesBlock,
  EnvironmentSpec,
  INGRESS_WAVE,
  waveOfRole,
} from '@blueberry-idp/plugin-blueberry-common';
import { splitImage } from '../validation/rules';
import { FORBIDDEN_KEYS } from '../validation/secrets';
import { environmentLabels, waveAnnotation } from './metadata';

/** The ConfigMaps of every component come in wave 0, before any workload reads them. */
const CONFIG_MAP_WAVE = 0;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Deep merge where `over` wins; arrays and scalars are replaced, never concatenated. */
export function mergeValues(
  under: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(under)) {
    if (!FORBIDDEN_KEYS.has(key)) result[key] = value;
  }
  for (const [key, value] of Object.entries(over)) {
    const existing = result[key];
    result[key] =
      isPlainObject(existing) && isPlainObject(value)
        ? mergeValues(existing, value)
        : value;
  }
  return result;
}

/** The `blueberry:` block that heads the values file (see ComponentValuesBlock). */
export function componentValuesBlock(
  spec: EnvironmentSpec,
  component: ComponentSpec,
): ComponentValuesBlock {
  const block: ComponentValuesBlock = {
    environment: spec.name,
    component: component.name,
    role: component.role,
    wave: waveOfRole(component.role),
  };
  if (component.host) block.host = component.host;
  return block;
}

/**
 * The values Blueberry sets for a component; they win over the user's. They follow the chart
 * contract in the README: object names from `fullnameOverride`, labels from `commonLabels`, the
 * image by digest, and a sync-wave annotation on each ConfigMap, workload, Service and Ingress.
 */
export function blueberryValues(
  spec: EnvironmentSpec,
  component: ComponentSpec,
): Record<string, unknown> {
  const wave = waveOfRole(component.role);
  const values: Record<string, unknown> = {
    blueberry: componentValuesBlock(spec, component),
    fullnameOverride: component.name,
    commonLabels: environmentLabels(spec),
    configMap: { annotations: waveAnnotation(CONFIG_MAP_WAVE) },
    service: { annotations: waveAnnotation(wave) },
    ingress: component.host
      ? {
          enabled: true,
          host: component.host,
          annotations: waveAnnotation(INGRESS_WAVE),
        }
      : { enabled: false },
  };
  if (component.role === 'database') {
    values.statefulset = { annotations: waveAnnotation(wave) };
  } else {
    values.deployment = { annotations: waveAnnotation(wave) };
  }
  if (component.image) {
    const { repository, digest } = splitImage(component.image);
    values.image = { repository, digest };
  }
  return values;
}

/** The full values of a component: the user's values under Blueberry's. */
export function componentValues(
  spec: EnvironmentSpec,
  component: ComponentSpec,
): Record<string, unknown> {
  return mergeValues(component.values ?? {}, blueberryValues(spec, component));
}
