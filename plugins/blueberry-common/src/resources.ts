import { environmentNamespace } from './tenancy';
import { ComponentRole, INGRESS_WAVE, waveOfRole } from './waves';

/**
 * The `blueberry:` block at the top of every rendered values file
 * (`environments/<env>/components/<component>/values.yaml`). It says what the component is, so that
 * the catalog provider can list an environment's components without rendering charts. What Argo CD
 * (and its stand-in) deploys comes from the rendered charts, never from this block.
 *
 * @public
 */
export interface ComponentValuesBlock {
  environment: string;
  component: string;
  role: ComponentRole;
  /** The wave of the component's workload and Service. */
  wave: number;
  /** The preview host, for components with an Ingress. */
  host?: string;
}

/**
 * A Kubernetes object an environment is expected to consist of once synced.
 *
 * @public
 */
export interface ExpectedResource {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  wave: number;
  /** The component it belongs to; absent for the environment's own objects (the Namespace). */
  component?: string;
}

/**
 * The objects that an environment's wave plan implies, for views and test data that have no chart to
 * render (the frontend's fake API): its Namespace (wave 0), then per component a
 * ConfigMap (wave 0), its workload and Service (the role's wave: a Redis StatefulSet for `database`,
 * a Deployment otherwise), and an Ingress (wave 3) when it has a host. Sorted by wave, then kind, then
 * name, so the result is stable.
 *
 * @public
 */
export function expectedResources(
  environment: string,
  components: ReadonlyArray<
    Pick<ComponentValuesBlock, 'component' | 'role' | 'host'>
  >,
): ExpectedResource[] {
  // The default namespace pattern's, as the renderer's (the frontend's fake API shows these).
  const namespace = environmentNamespace(environment);
  const resources: ExpectedResource[] = [
    {
      group: '',
      version: 'v1',
      kind: 'Namespace',
      namespace: '',
      name: namespace,
      wave: 0,
    },
  ];
  for (const { component, role, host } of components) {
    const wave = waveOfRole(role);
    const own = { namespace, name: component, component };
    resources.push({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      wave: 0,
      ...own,
    });
    resources.push(
      role === 'database'
        ? { group: 'apps', version: 'v1', kind: 'StatefulSet', wave, ...own }
        : { group: 'apps', version: 'v1', kind: 'Deployment', wave, ...own },
    );
    resources.push({ group: '', version: 'v1', kind: 'Service', wave, ...own });
    if (host) {
      resources.push({
        group: 'networking.k8s.io',
        version: 'v1',
        kind: 'Ingress',
        wave: INGRESS_WAVE,
        ...own,
      });
    }
  }
  return resources.sort(
    (a, b) =>
      a.wave - b.wave ||
      a.kind.localeCompare(b.kind) ||
      a.name.localeCompare(b.name),
  );
}
