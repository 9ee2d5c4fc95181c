import type { ComponentRole } from './waves';
import type { EnvironmentType } from './vocabulary';

/**
 * Where a component's Helm chart comes from, as Argo CD spells it: a chart repository (`https://…`
 * and `chart`), a Helm OCI repository (`registry/path`, no scheme, and `chart`), or an OCI artifact
 * (`oci://registry/path/chart`, no `chart`, `path` only `.`). Git paths are refused: Blueberry
 * inflates charts with Kustomize, which cannot pull one from Git.
 *
 * @public
 */
export interface ChartSource {
  repoURL: string;
  chart?: string;
  path?: string;
  targetRevision: string;
}

/**
 * One deployable part of an environment.
 *
 * @public
 */
export interface ComponentSpec {
  name: string;
  role: ComponentRole;
  /** Image pinned by digest (`repo@sha256:...`); required for backend and frontend. */
  image?: string;
  chart: ChartSource;
  /** Preview host name; required for frontends. */
  host?: string;
  /** Extra Helm values, merged under the values Blueberry sets. */
  values?: Record<string, unknown>;
}

/**
 * The kinds a secret reference may be: objects that make a Secret in the cluster, never one in Git.
 *
 * @public
 */
export const SECRET_REFERENCE_KINDS = [
  'ExternalSecret',
  'SealedSecret',
] as const;
/** @public */
export type SecretReferenceKind = (typeof SECRET_REFERENCE_KINDS)[number];

/**
 * A secret a chart's `existingSecret` can point at: an ExternalSecret (external-secrets.io, fetched
 * from a secret store) or a SealedSecret (bitnami.com, ciphertext only the cluster decrypts). Rendered
 * in wave 0, so the Secret it makes exists before any workload reads it.
 *
 * @public
 */
export interface SecretReferenceSpec {
  kind: SecretReferenceKind;
  /** The object's name, and the name of the Secret it makes. */
  name: string;
  /** The object's `spec` as the kind defines it (`secretStoreRef` and `data`, or `encryptedData`). */
  spec: Record<string, unknown>;
}

/**
 * What a user asks for: the input of the renderer and of `blueberry:environment:create`.
 *
 * @public
 */
export interface EnvironmentSpec {
  name: string;
  /** The system or product deployed, the `blueberry.io/app` label. */
  app: string;
  /** Owning entity ref, such as `group:default/team-shop`. */
  owner: string;
  type: EnvironmentType;
  pullRequest?: number;
  mergeRequestUrl?: string;
  /** Full SHA of the application commit it runs (`blueberry.io/commit`). */
  commit?: string;
  /** When the environment expires (RFC 3339); absent for long-lived ones. */
  expiresAt?: string;
  /** The catalog entity that asked for it. */
  sourceEntity?: string;
  components: ComponentSpec[];
  /** Secrets the components' charts reference, made in the environment's namespace in wave 0. */
  secrets?: SecretReferenceSpec[];
}
