/**
 * The inputs and outputs of the actions, written out rather than inferred from their zod schemas:
 * an inferred union's member order depends on the order tsc meets the types, so the API report
 * would change with the build. Each action's schema must give these types: where the action is
 * returned, tsc refuses a schema whose input or output no longer fits them.
 */
import type { JsonObject } from '@backstage/types';

/**
 * A component of the environment given in the form instead of read from the blueprint.
 *
 * @public
 */
export type EnvironmentComponentInput = {
  role: 'backend' | 'frontend' | 'database';
  name: string;
  chart: {
    repoURL: string;
    targetRevision: string;
    path?: string | undefined;
    chart?: string | undefined;
  };
  image?: string | undefined;
  host?: string | undefined;
  values?: JsonObject | undefined;
};

/**
 * The input of `blueberry:environment:create`.
 *
 * @public
 */
export type CreateEnvironmentActionInput = {
  name: string;
  app: string;
  owner: string;
  type: 'pull-request' | 'feature' | 'long-lived';
  update: boolean;
  targetPath: string;
  bootstrap: boolean;
  pullRequest?: number | undefined;
  mergeRequestUrl?: string | undefined;
  ttl?: string | undefined;
  sourceEntity?: string | undefined;
  entity?: JsonObject | undefined;
  commit?: string | undefined;
  branch?: string | undefined;
  components?: EnvironmentComponentInput[] | undefined;
  secrets?:
    | {
        name: string;
        kind: 'ExternalSecret' | 'SealedSecret';
        spec: JsonObject;
      }[]
    | undefined;
};

/**
 * The output of `blueberry:environment:create`.
 *
 * @public
 */
export type CreateEnvironmentActionOutput = {
  application: string;
  namespace: string;
  environmentPath: string;
  files: string[];
  urls: string[];
  deployed: {
    component: string;
    role: string;
    chart: string;
    image?: string | undefined;
    digest?: string | undefined;
  }[];
  expiresAt?: string | undefined;
};

/**
 * The input of `blueberry:environment:destroy`.
 *
 * @public
 */
export type DestroyEnvironmentActionInput = {
  name: string;
  app?: string | undefined;
};

/**
 * The output of `blueberry:environment:destroy`.
 *
 * @public
 */
export type DestroyEnvironmentActionOutput = {
  application: string;
  namespace: string;
  environmentPath: string;
  files: string[];
};

/**
 * The input of `blueberry:gitops:propose`.
 *
 * @public
 */
export type ProposeGitopsChangeActionInput = {
  environment: string;
  sourcePath: string;
  remove: boolean;
  update: boolean;
  reason?: string | undefined;
  requestedBy?: string | undefined;
};

/**
 * The output of `blueberry:gitops:propose`.
 *
 * @public
 */
export type ProposeGitopsChangeActionOutput = {
  change: {
    kind: 'commit' | 'merge-request' | 'pull-request';
    revision: string;
    url?: string | undefined;
  };
};
