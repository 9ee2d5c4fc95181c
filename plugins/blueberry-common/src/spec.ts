import type { ComponentRole } from './waves';
import type { EnvironmentType } from './vocabulary';

/** Where a component's Helm chart comes from: a chart repository (`chart`) or a Git path (`path`). */
export interface ChartSource {
  repoURL: string;
  chart?: string;
  path?: string;
  targetRevision: string;
}

/** One deployable part of an environment. */
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

/** What a user asks for: the input of the renderer and of `blueberry:environment:create`. */
export interface EnvironmentSpec {
  name: string;
  /** The system or product deployed, the `blueberry.io/app` label. */
  app: string;
  /** Owning entity ref, such as `group:default/team-shop`. */
  owner: string;
  type: EnvironmentType;
  pullRequest?: number;
  mergeRequestUrl?: string;
  /** When the environment expires (RFC 3339); absent for long-lived ones. */
  expiresAt?: string;
  /** The catalog entity that asked for it. */
  sourceEntity?: string;
  components: ComponentSpec[];
}
