// Moved to the private @blueberry-idp/test-utils; this path stays until its importers move there.
export { startTcpProxy } from '@blueberry-idp/test-utils';
