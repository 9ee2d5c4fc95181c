import {
  argoCdGlobMatch,
  environmentNamespace,
  isSourcePermitted,
  namespacePatternGlob,
  namespacePatternProblem,
} from './tenancy';

describe('namespace patterns', () => {
  it('puts every environment behind the default prefix, so no name reaches a namespace Blueberry did not make', () => {
    expect(environmentNamespace('monitoring')).toBe('blueberry-monitoring');
    expect(environmentNamespace('kube-system')).toBe('blueberry-kube-system');
    expect(environmentNamespace('x'.repeat(53))).toHaveLength(63);
    expect(namespacePatternGlob()).toBe('blueberry-*');
    expect(namespacePatternProblem('blueberry-{environment}')).toBeUndefined();
    expect(namespacePatternProblem('{environment}-preview')).toBeUndefined();
  });

  it('refuses patterns that could collide or overflow', () => {
    expect(namespacePatternProblem('{environment}')).toMatch(
      /fixed prefix or suffix/,
    );
    expect(namespacePatternProblem('env')).toMatch(/exactly once/);
    expect(namespacePatternProblem('{environment}-{environment}')).toMatch(
      /exactly once/,
    );
    expect(namespacePatternProblem('Preview-{environment}')).toMatch(
      /lowercase/,
    );
    expect(namespacePatternProblem('-{environment}')).toMatch(/DNS-1123/);
    expect(namespacePatternProblem('blueberry-pr-{environment}')).toMatch(
      /at most 10/,
    );
  });
});

describe("Argo CD's AppProject matching", () => {
  // The cases of Argo CD's TestAppProject_IsSourcePermitted and TestAppProject_IsNegatedSourcePermitted.
  it.each([
    [['*'], 'https://github.com/argoproj/test.git', true],
    [
      ['https://github.com/argoproj/test.git'],
      'https://github.com/argoproj/test.git',
      true,
    ],
    [
      ['ssh://git@GITHUB.com:argoproj/test'],
      'ssh://git@github.com:argoproj/test',
      true,
    ],
    [
      ['https://github.com/argoproj/*'],
      'https://github.com/argoproj/argoproj.git',
      true,
    ],
    [
      [
        'https://github.com/test1/test.git',
        'https://github.com/test2/test.git',
      ],
      'https://github.com/test2/test.git',
      true,
    ],
    [
      ['https://github.com/argoproj/test1.git'],
      'https://github.com/argoproj/test2.git',
      false,
    ],
    [
      ['https://github.com/argoproj/*.git'],
      'https://github.com/argoproj1/test2.git',
      false,
    ],
    [
      ['https://github.com/argoproj/foo'],
      'https://github.com/argoproj/foo1',
      false,
    ],
    [
      ['https://gitlab.com/group/*'],
      'https://gitlab.com/group/repo/owner',
      false,
    ],
    [
      ['https://gitlab.com/group/*/*'],
      'https://gitlab.com/group/repo/owner',
      true,
    ],
    [
      ['https://gitlab.com/group/**'],
      'https://gitlab.com/group/sub-group/repo/owner',
      true,
    ],
    [
      ['!https://github.com/argoproj/test.git'],
      'https://github.com/argoproj/test.git',
      false,
    ],
    [
      [
        'https://github.com/test1/test.git',
        '!https://github.com/test2/test.git',
      ],
      'https://github.com/test2/test.git',
      false,
    ],
    [['http://127.0.0.1:7081'], 'http://127.0.0.1:7081', true],
    [['http://127.0.0.1:7081'], 'http://127.0.0.1:7082', false],
  ])('sourceRepos %j and %s: %s', (sourceRepos, repoURL, permitted) => {
    expect(isSourcePermitted(sourceRepos, repoURL)).toBe(permitted);
  });

  it('matches destination namespaces with globs that cross no separator, negation allowed', () => {
    expect(
      argoCdGlobMatch('blueberry-*', 'blueberry-pr-1', { allowNegation: true }),
    ).toBe(true);
    expect(
      argoCdGlobMatch('blueberry-*', 'monitoring', { allowNegation: true }),
    ).toBe(false);
    expect(
      argoCdGlobMatch('!kube-*', 'kube-system', { allowNegation: true }),
    ).toBe(false);
    expect(argoCdGlobMatch('{a,b}-?', 'b-1')).toBe(true);
    expect(argoCdGlobMatch('[a-c]x', 'dx')).toBe(false);
  });
});
