import {
  BLUEBERRY_ANNOTATIONS,
  BLUEBERRY_LABELS,
  EnvironmentSpec,
  ownerLabelValue,
  SYNC_WAVE_ANNOTATION,
} from '@blueberry-idp/plugin-blueberry-common';

/**
 * The `blueberry.io/*` labels of an environment, the same on its Application, its Namespace (managed
 * metadata and manifest) and every object its charts render, so one selector finds them all.
 */
export function environmentLabels(
  spec: EnvironmentSpec,
): Record<string, string> {
  const labels: Record<string, string> = {
    [BLUEBERRY_LABELS.environment]: spec.name,
    [BLUEBERRY_LABELS.app]: spec.app,
    [BLUEBERRY_LABELS.role]: 'environment',
    [BLUEBERRY_LABELS.type]: spec.type,
    // The validator has checked that the owner's name is label-safe.
    [BLUEBERRY_LABELS.owner]: ownerLabelValue(spec.owner)!,
  };
  if (spec.pullRequest !== undefined)
    labels[BLUEBERRY_LABELS.pullRequest] = String(spec.pullRequest);
  return labels;
}

/** The annotations: values that are not label-safe. Absent ones are left out, not emptied. */
export function environmentAnnotations(
  spec: EnvironmentSpec,
): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (spec.expiresAt)
    annotations[BLUEBERRY_ANNOTATIONS.expiresAt] = spec.expiresAt;
  if (spec.sourceEntity)
    annotations[BLUEBERRY_ANNOTATIONS.sourceEntity] = spec.sourceEntity;
  if (spec.mergeRequestUrl)
    annotations[BLUEBERRY_ANNOTATIONS.mergeRequest] = spec.mergeRequestUrl;
  if (spec.commit) annotations[BLUEBERRY_ANNOTATIONS.commit] = spec.commit;
  return annotations;
}

/** The sync-wave annotation as Argo CD reads it (a string). */
export function waveAnnotation(wave: number): Record<string, string> {
  return { [SYNC_WAVE_ANNOTATION]: String(wave) };
}
