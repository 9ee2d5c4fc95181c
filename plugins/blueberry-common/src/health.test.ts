import { combinedSync, isUnwellHealth, worstHealth } from './health';

describe('worstHealth', () => {
  it("follows gitops-engine's order", () => {
    expect(worstHealth(['Healthy', 'Progressing', 'Suspended'])).toBe(
      'Progressing',
    );
    expect(worstHealth(['Missing', 'Degraded'])).toBe('Degraded');
    expect(worstHealth(['Healthy', 'Unknown'])).toBe('Unknown');
  });

  it('is Healthy for nothing and Unknown for values Argo CD does not define', () => {
    expect(worstHealth([])).toBe('Healthy');
    expect(worstHealth(['Healthy', 'Bogus'])).toBe('Unknown');
  });
});

describe('combinedSync', () => {
  it('is Synced only when every member is', () => {
    expect(combinedSync(['Synced', 'Synced'])).toBe('Synced');
    expect(combinedSync(['Synced', 'OutOfSync'])).toBe('OutOfSync');
    expect(combinedSync(['OutOfSync', 'Unknown'])).toBe('Unknown');
  });
});

describe('isUnwellHealth', () => {
  it('calls Degraded, Missing and Unknown unwell, and nothing else', () => {
    expect(['Degraded', 'Missing', 'Unknown'].map(isUnwellHealth)).toEqual([
      true,
      true,
      true,
    ]);
    expect(
      ['Healthy', 'Suspended', 'Progressing', undefined].map(isUnwellHealth),
    ).toEqual([false, false, false, false]);
  });
});
