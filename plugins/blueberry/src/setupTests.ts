import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// jsdom lays nothing out, so SVG elements have no getBBox; DependencyGraph measures its nodes with
// it. Give every SVG element a fixed box so the real graph component renders in tests.
if (typeof SVGElement !== 'undefined' && !('getBBox' in SVGElement.prototype)) {
  Object.defineProperty(SVGElement.prototype, 'getBBox', {
    value: () => ({ x: 0, y: 0, width: 120, height: 20 }),
  });
}

// Rendering a whole app per test in jsdom takes seconds on a shared two-core machine; the default
// five seconds fails healthy tests. This is headroom, not a timed assertion.
jest.setTimeout(30_000);

// The same headroom for `findBy*` and `waitFor`, whose one-second default is shorter than a lazy
// component (the graph) takes to load when both cores are busy.
configure({ asyncUtilTimeout: 10_000 });
