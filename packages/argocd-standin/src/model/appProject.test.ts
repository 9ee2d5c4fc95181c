import {
  AppProject,
  DEFAULT_PROJECT,
  invalidSpecErrors,
  isDestinationPermitted,
  isGroupKindPermitted,
} from './appProject';

const environments: AppProject = {
  name: 'blueberry-environments',
  spec: {
    sourceRepos: ['https://gitlab.example.com/platform/gitops.git'],
    destinations: [
      { server: 'https://kubernetes.default.svc', namespace: 'blueberry-*' },
    ],
    clusterResourceWhitelist: [
      { group: '', kind: 'Namespace', name: 'blueberry-*' },
    ],
  },
};

describe("AppProject rules, as Argo CD's IsGroupKindNamePermitted and isDestinationMatched decide", () => {
  it('permits only Namespaces of the pattern cluster-wide, and every namespaced kind', () => {
    const allowed = (group: string, kind: string, name: string, ns: boolean) =>
      isGroupKindPermitted(environments, { group, kind, name }, ns);
    expect(allowed('', 'Namespace', 'blueberry-pr-1', false)).toBe(true);
    expect(allowed('', 'Namespace', 'kube-system', false)).toBe(false);
    expect(
      allowed('rbac.authorization.k8s.io', 'ClusterRoleBinding', 'x', false),
    ).toBe(false);
    expect(allowed('apps', 'Deployment', 'web', true)).toBe(true);
  });

  it('reads an empty namespaced whitelist as nothing and an absent one as everything; blacklists win', () => {
    const project = (spec: AppProject['spec']): AppProject => ({
      name: 'p',
      spec,
    });
    const deployment = { group: 'apps', kind: 'Deployment', name: 'web' };
    expect(
      isGroupKindPermitted(
        project({ namespaceResourceWhitelist: [] }),
        deployment,
        true,
      ),
    ).toBe(false);
    expect(isGroupKindPermitted(project({}), deployment, true)).toBe(true);
    expect(
      isGroupKindPermitted(
        project({ namespaceResourceBlacklist: [{ group: 'apps', kind: '*' }] }),
        deployment,
        true,
      ),
    ).toBe(false);
    expect(isGroupKindPermitted(project({}), deployment, false)).toBe(false);
    expect(isGroupKindPermitted(DEFAULT_PROJECT, deployment, false)).toBe(true);
  });

  it('matches destinations by server and namespace globs, a deny pattern refusing outright', () => {
    const server = 'https://kubernetes.default.svc';
    expect(isDestinationPermitted(environments, server, 'blueberry-pr-1')).toBe(
      true,
    );
    expect(isDestinationPermitted(environments, server, 'monitoring')).toBe(
      false,
    );
    expect(
      isDestinationPermitted(
        environments,
        'https://other:6443',
        'blueberry-pr-1',
      ),
    ).toBe(false);
    const denying: AppProject = {
      name: 'p',
      spec: {
        destinations: [
          { server: '*', namespace: '!kube-system' },
          { server: '*', namespace: '*' },
        ],
      },
    };
    expect(isDestinationPermitted(denying, server, 'kube-system')).toBe(false);
    expect(isDestinationPermitted(denying, server, 'default')).toBe(true);
  });

  it('gives the InvalidSpecError messages of Argo CD, each refused part named', () => {
    const projects = new Map([[environments.name, environments]]);
    expect(
      invalidSpecErrors(
        {
          project: 'blueberry-environments',
          source: { repoURL: 'https://evil.example.com/x.git' },
          destination: {
            server: 'https://kubernetes.default.svc',
            namespace: 'argocd',
          },
        },
        projects,
      ),
    ).toEqual([
      "application repo https://evil.example.com/x.git is not permitted in project 'blueberry-environments'",
      "application destination server 'https://kubernetes.default.svc' and namespace 'argocd' do not match any of the allowed destinations in project 'blueberry-environments'",
    ]);
    expect(invalidSpecErrors({ project: 'nope' }, projects)).toEqual([
      'Application referencing project nope which does not exist',
    ]);
  });
});
