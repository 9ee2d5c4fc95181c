import {
  ComponentSpec,
  ComponentValuesBlock,
  EnvironmentSpec,
  waveOfRole,
} from '@blueberry-idp/plugin-blueberry-common';
import { FORBIDDEN_KEYS } from '../validation/secrets';

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

/**
 * The `blueberry:` block that heads the values file (see ComponentValuesBlock). Charts ignore it and
 * the Argo CD stand-in does not read it; the catalog module reads it to list an environment's
 * components without rendering their charts.
 *
 * @public
 */
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
 * The values Blueberry sets for a component; they win over the user's. Only two, both kept by nearly
 * every chart (the `helm create` scaffold, Bitnami's): `fullnameOverride`, so objects are named after
 * the component, and `ingress.enabled` for a component with a preview host. Waves, the image, the host
 * and the labels are not values: the component's kustomization patches them onto the rendered
 * objects (see kustomization.ts), so they hold on charts that offer no such values.
 */
export function blueberryValues(
  spec: EnvironmentSpec,
  component: ComponentSpec,
): Record<string, unknown> {
  return {
    blueberry: componentValuesBlock(spec, component),
    fullnameOverride: component.name,
    ingress: { enabled: Boolean(component.host) },
  };
}

/**
 * The full values of a component: the user's values under Blueberry's.
 *
 * @public
 */
export function componentValues(
  spec: EnvironmentSpec,
  component: ComponentSpec,
): Record<string, unknown> {
  return mergeValues(component.values ?? {}, blueberryValues(spec, component));
}
