/**
 * The slice of Argo CD's Application shapes the stand-in produces, in the words of
 * `swagger.json` (`v1alpha1Application` and friends). Loose where the stand-in copies a manifest
 * verbatim (`spec`), precise where it computes state (`status`).
 */

import type { HealthStatus as CommonHealthStatus } from '@blueberry-idp/plugin-blueberry-common';

/** Argo CD's health codes, in gitops-engine's order (defined once, in blueberry-common). */
export type HealthCode = CommonHealthStatus;

export interface HealthStatus {
  status: HealthCode;
  message?: string;
  lastTransitionTime?: string;
}

export interface ResourceStatus {
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  status: 'Synced' | 'OutOfSync';
  health?: HealthStatus;
  syncWave?: number;
}

export interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: string;
  message: string;
  hookPhase: string;
  syncPhase: string;
  images?: string[];
}

export interface OperationState {
  operation: Record<string, unknown>;
  phase: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';
  message?: string;
  startedAt: string;
  finishedAt?: string;
  retryCount?: number;
  syncResult?: {
    resources?: ResourceResult[];
    revision: string;
    revisions?: string[];
    source?: unknown;
    sources?: unknown[];
  };
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion?: string;
  generation: number;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface Application {
  metadata: ObjectMeta;
  spec: Record<string, unknown>;
  operation?: Record<string, unknown>;
  status: Record<string, unknown> & {
    resources?: ResourceStatus[];
    health?: HealthStatus;
    operationState?: OperationState;
  };
}

export interface ResourceRef {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

export interface ResourceNode extends ResourceRef {
  parentRefs?: ResourceRef[];
  health?: HealthStatus;
  info?: Array<{ name: string; value: string }>;
  networkingInfo?: Record<string, unknown>;
  images?: string[];
  resourceVersion: string;
  createdAt: string;
}

export interface ApplicationTree {
  nodes: ResourceNode[];
  hosts?: Array<Record<string, unknown>>;
}

export interface ResourceDiff {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  targetState: string;
  liveState: string;
  normalizedLiveState: string;
  predictedLiveState: string;
  hook: boolean;
  modified: boolean;
  resourceVersion?: string;
}

/** Kubernetes timestamps have second precision (RFC 3339, `Z`). */
export function kubeTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
