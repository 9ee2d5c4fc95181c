/**
 * A local Argo CD stand-in: a test double that speaks the subset of Argo CD's REST API Blueberry uses.
 *
 * @packageDocumentation
 */
export {};
