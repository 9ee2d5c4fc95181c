// A browser-like global environment for React, as jest's jsdom environment gives the tests. Preloaded
// with `node -r` so it exists before React DOM and MUI load.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', {
  url: 'http://localhost/',
  pretendToBeVisual: true,
});
const g = globalThis as any;
const win = dom.window as any;
// Like jest-environment-jsdom: every window property Node lacks becomes a global.
for (const key of Object.getOwnPropertyNames(win)) {
  if (key in g) continue;
  const value = win[key];
  Object.defineProperty(g, key, {
    value:
      typeof value === 'function' && !/^[A-Z]/.test(key)
        ? value.bind(win)
        : value,
    configurable: true,
    writable: true,
  });
}
// Inherited from EventTarget, so not own properties of the window.
for (const key of [
  'addEventListener',
  'removeEventListener',
  'dispatchEvent',
]) {
  g[key] = win[key].bind(win);
}
Object.defineProperty(g, 'navigator', {
  value: win.navigator,
  configurable: true,
});
g.window.matchMedia ??= () => ({
  matches: false,
  addListener() {},
  removeListener() {},
  addEventListener() {},
  removeEventListener() {},
});
g.matchMedia = g.window.matchMedia;
