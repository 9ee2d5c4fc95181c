import {
  LabelMatcher,
  parseLabelSelector,
} from '@blueberry-idp/plugin-blueberry-common';

/** A selector that does not parse: the API answers 400 with its message. */
export class SelectorError extends Error {}

/**
 * Kubernetes label selectors as Argo CD's `selector` parameter takes them: `k=v`, `k==v`, `k!=v`,
 * `k`, `!k`, `k in (a,b)`, `k notin (a,b)`; a comma between requirements means AND. Parsed by
 * blueberry-common's single-scan parser (the one the backend uses, linear in the selector's
 * length); no selector, or an empty one, selects everything, as in Argo CD.
 */
export function parseSelector(
  selector: string | null | undefined,
): LabelMatcher {
  const text = (selector ?? '').trim();
  if (!text) return () => true;
  try {
    return parseLabelSelector(text);
  } catch (error) {
    throw new SelectorError(
      `unable to parse requirement: ${(error as Error).message}`,
    );
  }
}
