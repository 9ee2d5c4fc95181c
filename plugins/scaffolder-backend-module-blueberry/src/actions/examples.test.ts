import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { git } from '@blueberry-idp/plugin-blueberry-node';
import {
  filesUnder,
  fixedClock,
  localGitopsConfig,
  makeTempDir,
  mockContext,
  ownershipOver,
} from '../__testUtils__/fixtures';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';
import { examples as createExamples } from './createEnvironment.examples';
import { createBlueberryEnvironmentDestroyAction } from './destroyEnvironment';
import { examples as destroyExamples } from './destroyEnvironment.examples';
import { createBlueberryGitopsCommitAction } from './commitToLocalGitops';
import { examples as commitExamples } from './commitToLocalGitops.examples';

// Real git, real files and many cases on a shared 2-core machine: allow more than the default 5 s.
jest.setTimeout(60_000);

/** The one step of an example, as the documentation shows it. */
function stepOf(example: { example: string }) {
  const [step] = yaml.parse(example.example).steps;
  return step as { action: string; input: Record<string, unknown> };
}

// Every documented example runs here, so the docs cannot drift from what the actions accept.
describe('action examples', () => {
  let root: string;
  let workspace: string;
  let gitops: ReturnType<typeof localGitopsConfig>;

  beforeEach(async () => {
    root = await makeTempDir('examples');
    workspace = path.join(root, 'workspace');
    await fs.mkdir(workspace);
    gitops = localGitopsConfig(path.join(root, 'gitops'));
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const create = () =>
    createBlueberryEnvironmentCreateAction({
      gitops,
      clock: fixedClock,
      ownership: ownershipOver(undefined).ownership,
    });

  it.each(createExamples.map(e => [e.description, e]))(
    'create: %s',
    async (_d, example) => {
      const step = stepOf(example);
      expect(step.action).toBe('blueberry:environment:create');
      const ctx = mockContext(step.input, workspace);
      await create().handler(ctx);
      const target = String(step.input.targetPath ?? '.');
      expect(await filesUnder(workspace)).toContain(
        path.posix.join(
          target,
          `environments/${step.input.name}/application.yaml`,
        ),
      );
      expect(ctx.output).toHaveBeenCalledWith('application', step.input.name);
    },
  );

  it.each(destroyExamples.map(e => [e.description, e]))(
    'destroy: %s',
    async (_d, example) => {
      const step = stepOf(example);
      expect(step.action).toBe('blueberry:environment:destroy');
      await create().handler(
        mockContext(
          { ...stepOf(createExamples[0]).input, targetPath: 'gitops' },
          workspace,
        ),
      );
      const ctx = mockContext(step.input, workspace);
      await createBlueberryEnvironmentDestroyAction({
        ownership: ownershipOver(undefined).ownership,
      }).handler(ctx);
      const remaining = await filesUnder(workspace);
      expect(remaining.length === 0).toBe(step.input.mode !== 'list');
      expect(ctx.output).toHaveBeenCalledWith(
        'files',
        expect.arrayContaining(['environments/pr-123/application.yaml']),
      );
    },
  );

  it('commit: runs both examples in order against a real repository', async () => {
    await create().handler(
      mockContext(stepOf(createExamples[0]).input, workspace),
    );
    const action = createBlueberryGitopsCommitAction({
      gitops,
      ownership: ownershipOver(gitops.local?.path).ownership,
    });
    const repo = path.join(root, 'gitops');
    for (const example of commitExamples) {
      const step = stepOf(example);
      expect(step.action).toBe('blueberry:gitops:commit');
      const ctx = mockContext(step.input, workspace, {
        user: { ref: 'user:default/jane' },
        task: { id: 'task-1' },
      });
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('changed', true);
      const last = (await git(repo, ['log', '-1', '--format=%B'])).stdout;
      expect(last).toContain(String(step.input.reason));
      expect(last).toContain('Requested-by: user:default/jane');
    }
    expect((await git(repo, ['ls-files', 'environments'])).stdout.trim()).toBe(
      'environments/.gitkeep',
    );
  });
});
