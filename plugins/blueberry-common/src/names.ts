/**
 * Name rules. Environment and component names become namespaces, Helm release names and labels, so
 * they must be DNS-1123 labels; Helm caps release names at 53 characters, which is the tighter bound.
 */

/** @public */
export const MAX_NAME_LENGTH = 53;
/** @public */
export const MAX_LABEL_VALUE_LENGTH = 63;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * The rule a name breaks, or undefined when it is a valid environment or component name.
 *
 * @public
 */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) {
    return `must be at most ${MAX_NAME_LENGTH} characters (Helm release names), got ${name.length}`;
  }
  if (!DNS1123_LABEL.test(name)) {
    return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/**
 * The rule a Kubernetes label value breaks, or undefined when it is valid.
 *
 * @public
 */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > MAX_LABEL_VALUE_LENGTH) {
    return `must be at most ${MAX_LABEL_VALUE_LENGTH} characters, got ${value.length}`;
  }
  if (!LABEL_VALUE.test(value)) {
    return 'must be a label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/**
 * A label-safe form of an owner entity ref such as `group:default/team-shop`: the name part, which is
 * what people filter by. Returns undefined when even that is not a valid label value.
 *
 * @public
 */
export function ownerLabelValue(ownerRef: string): string | undefined {
  const name = ownerRef.replace(/^[^:]*:/, '').replace(/^[^/]*\//, '');
  return labelValueProblem(name) ? undefined : name;
}
