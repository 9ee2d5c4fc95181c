// Moved to the private @blueberry-idp/test-utils (a devDependency); this path re-exports it only
// until the tests that import it from here import it from there, then it goes.
// eslint-disable-next-line @backstage/no-undeclared-imports
export { startTcpProxy } from '@blueberry-idp/test-utils';
