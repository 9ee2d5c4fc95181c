import { SelectorError, parseSelector } from './selector';

describe('parseSelector', () => {
  const labels = {
    'blueberry.io/app': 'shop',
    'blueberry.io/type': 'pull-request',
    tier: '',
  };

  it.each([
    ['', true],
    ['blueberry.io/app=shop', true],
    ['blueberry.io/app==shop', true],
    ['blueberry.io/app=cart', false],
    ['blueberry.io/app!=cart', true],
    ['blueberry.io/app!=shop', false],
    ['missing!=x', true],
    ['blueberry.io/app', true],
    ['!blueberry.io/app', false],
    ['!missing', true],
    ['blueberry.io/app in (cart, shop)', true],
    ['blueberry.io/app in (cart)', false],
    ['blueberry.io/app notin (cart)', true],
    ['missing notin (cart)', true],
    ['missing in (cart)', false],
    ['blueberry.io/app=shop,blueberry.io/type=pull-request', true],
    ['blueberry.io/app in (shop,cart),blueberry.io/type=feature', false],
    ['tier=', true],
  ])('%j matches: %s', (selector, expected) => {
    expect(parseSelector(selector)(labels)).toBe(expected);
  });

  it('refuses what it cannot parse', () => {
    expect(() => parseSelector('a=b=c')).toThrow(SelectorError);
    expect(() => parseSelector('a in b')).toThrow(SelectorError);
  });
});

describe('parseSelector on hostile input', () => {
  it('refuses a selector that backtracked the old parser, in linear time', () => {
    const started = Date.now();
    expect(() => parseSelector(`a=${' '.repeat(4000)}!`)).toThrow(
      SelectorError,
    );
    expect(Date.now() - started).toBeLessThan(500);
  });
});
