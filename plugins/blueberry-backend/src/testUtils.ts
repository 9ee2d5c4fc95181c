/**
 * Test helpers for suites that run this plugin in a test backend (the fault and security suites):
 * a logger and a signals service that record what they get, a TCP proxy to take an Argo CD
 * instance off the network, and a polling wait.
 *
 * @packageDocumentation
 */
export { eventually, LogRecorder, SignalRecorder } from './testUtils/recorders';
export { startTcpProxy } from './testUtils/tcpProxy';
