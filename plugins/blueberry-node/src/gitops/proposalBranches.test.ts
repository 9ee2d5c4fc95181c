import { changeBranch, changeKindOf } from './gitopsChange';
import { environmentOfPath, environmentsOfTree } from './revisions';

describe('proposal branches and environment paths', () => {
  it("reads a proposal branch's kind back for its environment only", () => {
    expect(changeKindOf(changeBranch('remove', 'pr-12'), 'pr-12')).toBe(
      'remove',
    );
    expect(changeKindOf('blueberry/roll-back-pr-12', 'pr-12')).toBe(
      'roll-back',
    );
    expect(changeKindOf('blueberry/remove-pr-12', 'pr-13')).toBeUndefined();
    expect(changeKindOf('feature/remove-pr-12', 'pr-12')).toBeUndefined();
    expect(changeKindOf('blueberry/-pr-12', 'pr-12')).toBeUndefined();
    expect(changeKindOf('blueberry/Re_move-pr-12', 'pr-12')).toBeUndefined();
  });

  it("groups an environments tree by environment, keeping every environment and only the filter's files", () => {
    expect(environmentOfPath('environments/pr-1/application.yaml')).toBe(
      'pr-1',
    );
    expect(environmentOfPath('environments/README.md')).toBeUndefined();
    expect(environmentOfPath('bootstrap/pr-1/x.yaml')).toBeUndefined();
    const { environments, wanted } = environmentsOfTree(
      [
        'environments/pr-2/application.yaml',
        'environments/pr-1/manifests/namespace.yaml',
        'environments/README.md',
        'environments/pr-1/application.yaml',
      ],
      path => path.endsWith('/pr-1/application.yaml'),
    );
    expect([...environments.keys()]).toEqual(['pr-1', 'pr-2']);
    expect(wanted).toEqual(['environments/pr-1/application.yaml']);
  });
});
