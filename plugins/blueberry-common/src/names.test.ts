import { labelValueProblem, nameProblem, ownerLabelValue } from './names';

describe('nameProblem', () => {
  it.each(['pr-123', 'feature-x', 'a', 'a'.repeat(53)])('accepts %s', name => {
    expect(nameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['a'.repeat(54), /at most 53/],
    ['PR-1', /DNS-1123/],
    ['-pr', /DNS-1123/],
    ['pr-', /DNS-1123/],
    ['pr_1', /DNS-1123/],
    ['pr.1', /DNS-1123/],
  ])('refuses %j', (name, rule) => {
    expect(nameProblem(name)).toMatch(rule);
  });
});

describe('labelValueProblem', () => {
  it('accepts up to 63 characters and refuses 64', () => {
    expect(labelValueProblem('a'.repeat(63))).toBeUndefined();
    expect(labelValueProblem('a'.repeat(64))).toMatch(/at most 63/);
  });

  it('refuses characters labels cannot hold', () => {
    expect(labelValueProblem('team/shop')).toMatch(/label value/);
  });
});

describe('ownerLabelValue', () => {
  it('keeps the name of an entity ref', () => {
    expect(ownerLabelValue('group:default/team-shop')).toBe('team-shop');
    expect(ownerLabelValue('team-shop')).toBe('team-shop');
  });
});
