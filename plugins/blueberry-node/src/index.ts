/**
 * Blueberry's GitOps renderer: an environment spec in, deterministic Argo CD and Helm files out.
 *
 * @packageDocumentation
 */
export {};
