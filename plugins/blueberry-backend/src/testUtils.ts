/**
 * Test helpers for suites that run this plugin in a test backend (the fault and security suites):
 * a logger and a signals service that record what they get. The TCP proxy and the polling wait
 * live in the private `@blueberry-idp/test-utils`.
 *
 * @packageDocumentation
 */
export { LogRecorder, SignalRecorder } from './testUtils/recorders';
