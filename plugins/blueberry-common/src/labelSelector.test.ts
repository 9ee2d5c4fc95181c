import { MAX_LABEL_SELECTOR_LENGTH, parseLabelSelector } from './labelSelector';

const labels = {
  'blueberry.io/app': 'shop',
  'blueberry.io/type': 'feature',
  tier: '',
};

describe('parseLabelSelector', () => {
  it.each([
    ['blueberry.io/app=shop', true],
    ['blueberry.io/app == shop', true],
    ['blueberry.io/app!=shop', false],
    ['blueberry.io/app=shop,blueberry.io/type=feature', true],
    ['blueberry.io/app=shop, blueberry.io/type=pull-request', false],
    ['blueberry.io/type in (feature, long-lived)', true],
    ['blueberry.io/type notin (feature)', false],
    ['missing notin (x)', true],
    ['missing in (x)', false],
    ['!missing', true],
    ['! blueberry.io/app', false],
    ['blueberry.io/app', true],
    ['tier=', true],
    ['blueberry.io/app in (shop),!missing,tier', true],
  ])('%s matches: %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    'a=b,',
    ',a=b',
    'a b',
    'a in b',
    'a in (b',
    'a=b=c',
    'a=(b)',
    'a;b',
    '!',
  ])('refuses %j with a message', selector => {
    expect(() => parseLabelSelector(selector)).toThrow(/selector|expected/);
  });

  it('reads a hostile selector in linear time (the old regex took seconds)', () => {
    const hostile = `a=${' '.repeat(64_000)}!`;
    const started = process.hrtime.bigint();
    expect(() => parseLabelSelector(hostile)).toThrow();
    // Refused for its length before it is read at all.
    expect(() => parseLabelSelector(hostile)).toThrow(/longer than/);
    const justUnder = `a=${' '.repeat(MAX_LABEL_SELECTOR_LENGTH - 3)}!`;
    expect(() => parseLabelSelector(justUnder)).toThrow(/expected/);
    const manyParts = Array.from({ length: 500 }, (_, i) => `k${i}`).join(',');
    expect(parseLabelSelector(manyParts)({})).toBe(false);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(elapsedMs).toBeLessThan(100);
  });
});
