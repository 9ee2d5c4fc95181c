import {
  BLUEBERRY_ANNOTATIONS,
  BLUEBERRY_LABELS,
} from '@blueberry-idp/plugin-blueberry-common';
import { parseDocument, Scalar } from 'yaml';

/** What the lifecycle needs to know of an environment, read from its committed application.yaml. */
export interface GitopsEnvironment {
  name: string;
  /** The `blueberry.io/expires-at` annotation as a time; undefined for long-lived environments. */
  expiresAt?: Date;
  /** Who to warn: the `blueberry.io/source-entity` annotation, else the owner label as a group. */
  owner?: string;
  /** The `blueberry.io/merge-request` annotation, for the warning's link. */
  mergeRequestUrl?: string;
}

/** Reads the lifecycle facts from the text of `environments/<env>/application.yaml`. */
export function readGitopsEnvironment(
  name: string,
  applicationYaml: string,
): GitopsEnvironment {
  const doc = parseDocument(applicationYaml).toJS() ?? {};
  const annotations: Record<string, unknown> = doc.metadata?.annotations ?? {};
  const labels: Record<string, unknown> = doc.metadata?.labels ?? {};
  const rawExpiry = annotations[BLUEBERRY_ANNOTATIONS.expiresAt];
  const expiresAt =
    typeof rawExpiry === 'string' && !Number.isNaN(Date.parse(rawExpiry))
      ? new Date(rawExpiry)
      : undefined;
  const sourceEntity = annotations[BLUEBERRY_ANNOTATIONS.sourceEntity];
  const ownerLabel = labels[BLUEBERRY_LABELS.owner];
  const mergeRequest = annotations[BLUEBERRY_ANNOTATIONS.mergeRequest];
  let owner: string | undefined;
  if (typeof sourceEntity === 'string') owner = sourceEntity;
  else if (typeof ownerLabel === 'string')
    owner = `group:default/${ownerLabel}`;
  return {
    name,
    expiresAt,
    owner,
    mergeRequestUrl:
      typeof mergeRequest === 'string' ? mergeRequest : undefined,
  };
}

/** RFC 3339 in whole seconds, UTC, as the renderer writes it. */
export function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Returns the application.yaml with `blueberry.io/expires-at` set to `at`, everything else (the
 * generated header, key order) kept. Quoted like the renderer does: YAML 1.1 readers take a bare
 * timestamp for a time, not a string.
 */
export function withExpiresAt(applicationYaml: string, at: Date): string {
  const doc = parseDocument(applicationYaml);
  const value = new Scalar(rfc3339(at));
  value.type = Scalar.QUOTE_DOUBLE;
  doc.setIn(
    ['metadata', 'annotations', BLUEBERRY_ANNOTATIONS.expiresAt],
    value,
  );
  return doc.toString({ lineWidth: 0 });
}
