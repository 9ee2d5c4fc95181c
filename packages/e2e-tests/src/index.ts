/**
 * The end-to-end harness: start the real backend, serve the built app, drive Chromium.
 *
 * @packageDocumentation
 */
export * from './harness';
