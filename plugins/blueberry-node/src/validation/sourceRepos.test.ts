import { InputError } from '@backstage/errors';
import {
  exampleRenderOptions,
  shopPullRequestSpec,
} from '../__fixtures__/shopEnvironment';
import { renderEnvironment } from '../render/renderEnvironment';
import { RenderOptions } from '../render/types';

const withSourceRepos = (sourceRepos?: string[]): RenderOptions => ({
  ...exampleRenderOptions,
  gitops: { ...exampleRenderOptions.gitops, sourceRepos },
});

describe('charts from blueberry.gitops.sourceRepos only', () => {
  it('renders when every chart repository matches a glob, in each of the three chart spellings', () => {
    // The golden spec has a chart repository, a Helm OCI repository and an oci:// artifact.
    expect(() =>
      renderEnvironment(shopPullRequestSpec, exampleRenderOptions),
    ).not.toThrow();
  });

  it('refuses every chart when none is configured, naming each one and the setting', () => {
    expect(() =>
      renderEnvironment(shopPullRequestSpec, withSourceRepos()),
    ).toThrow(
      new InputError(
        `Invalid environment spec: ${shopPullRequestSpec.components
          .map(
            (c, i) =>
              `components[${i}].chart.repoURL '${c.chart.repoURL}' is not an allowed chart source (blueberry.gitops.sourceRepos: none)`,
          )
          .join('; ')}`,
      ),
    );
  });

  it("honours Argo CD's deny patterns and stops a glob at '/'", () => {
    const refused = (sourceRepos: string[]) => {
      try {
        renderEnvironment(shopPullRequestSpec, withSourceRepos(sourceRepos));
        return [];
      } catch (error) {
        return [
          ...(error as Error).message.matchAll(/components\[(\d+)\]/g),
        ].map(m => Number(m[1]));
      }
    };
    const all = shopPullRequestSpec.components.map((_, i) => i);
    // `*` after the host does not reach into https://charts.example.com/shop/...: nothing matches.
    expect(refused(['https://*'])).toEqual(all);
    // Everything, but not the OCI registry: its components are refused, the others not.
    const oci = shopPullRequestSpec.components
      .map((c, i) =>
        c.chart.repoURL.includes('registry.example.com') ? i : -1,
      )
      .filter(i => i >= 0);
    expect(oci.length).toBeGreaterThan(0);
    expect(
      refused([
        '**',
        '!oci://registry.example.com/**',
        '!registry.example.com/**',
      ]),
    ).toEqual(oci);
  });
});
