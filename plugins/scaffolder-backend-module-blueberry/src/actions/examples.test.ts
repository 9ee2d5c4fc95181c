import { mockServices } from '@backstage/backend-test-utils';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  filesUnder,
  fixedClock,
  makeTempDir,
  mockContext,
  ownershipOver,
  testRenderOptions,
} from '../__testUtils__/fixtures';
import {
  GitopsHostUnderTest,
  startGitopsHost,
} from '../__testUtils__/gitopsHosts';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';
import { examples as createExamples } from './createEnvironment.examples';
import { createBlueberryEnvironmentDestroyAction } from './destroyEnvironment';
import { examples as destroyExamples } from './destroyEnvironment.examples';
import { createBlueberryGitopsProposeAction } from './proposeGitopsChange';
import { examples as proposeExamples } from './proposeGitopsChange.examples';

// Real git, real files and many cases on a shared 2-core machine: allow more than the default 5 s.
jest.setTimeout(60_000);

type Step = { action: string; input: Record<string, unknown> };

/** The steps of an example, as the documentation shows them. */
function stepsOf(example: { example: string }): Step[] {
  return yaml.parse(example.example).steps;
}

// Every documented example runs here, so the docs cannot drift from what the actions accept.
describe('action examples', () => {
  let root: string;
  let workspace: string;

  beforeEach(async () => {
    root = await makeTempDir('examples');
    workspace = path.join(root, 'workspace');
    await fs.mkdir(workspace);
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const create = (render = testRenderOptions(path.join(root, 'gitops'))) =>
    createBlueberryEnvironmentCreateAction({
      render,
      clock: fixedClock,
      ownership: ownershipOver(undefined).ownership,
    });

  it.each(createExamples.map(e => [e.description, e]))(
    'create: %s',
    async (_d, example) => {
      const [step] = stepsOf(example);
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

  describe('on a real local GitOps repository', () => {
    let host: GitopsHostUnderTest;
    beforeEach(async () => {
      host = await startGitopsHost('local', { 'environments/.gitkeep': '' });
    });
    afterEach(() => host.close());

    /** Runs one documented step with the action it names. */
    async function runStep(step: Step) {
      const ownership = ownershipOver(host.repository).ownership;
      const action = {
        'blueberry:environment:create': () => create(host.render),
        'blueberry:environment:destroy': () =>
          createBlueberryEnvironmentDestroyAction({ ownership }),
        'blueberry:gitops:propose': () =>
          createBlueberryGitopsProposeAction({
            repository: host.repository,
            ownership,
            auth: mockServices.auth(),
          }),
      }[step.action]!();
      const ctx = mockContext(step.input, workspace, {
        user: { ref: 'user:default/jane' },
        task: { id: 'task-1' },
      });
      await action.handler(ctx);
      return ctx;
    }
    const lastMessage = async () =>
      (await host.repository.history('pr-123', { limit: 1 })).commits[0]
        ?.message;

    it('propose: runs every example in order (create, update, remove)', async () => {
      const render = stepsOf(createExamples[0])[0];
      await runStep(render);
      for (const example of proposeExamples) {
        const [step] = stepsOf(example);
        expect(step.action).toBe('blueberry:gitops:propose');
        if (step.input.update) {
          // Something to update: the environment re-rendered with another merge request link.
          await runStep({
            ...render,
            input: {
              ...render.input,
              update: true,
              mergeRequestUrl:
                'https://gitlab.example.com/shop/shop/-/merge_requests/124',
            },
          });
        }
        const ctx = await runStep(step);
        expect(ctx.output).toHaveBeenCalledWith(
          'change',
          expect.objectContaining({ kind: 'commit' }),
        );
        expect(await lastMessage()).toContain(
          `Reason: ${String(step.input.reason)}`,
        );
      }
      expect(await host.repository.listEnvironments()).toEqual([]);
    });

    it.each(destroyExamples.map(e => [e.description, e]))(
      'destroy: %s',
      async (_d, example) => {
        await runStep(stepsOf(createExamples[0])[0]);
        await runStep(stepsOf(proposeExamples[0])[0]);
        const steps = stepsOf(example);
        expect(steps[0].action).toBe('blueberry:environment:destroy');
        const check = await runStep(steps[0]);
        expect(check.output).toHaveBeenCalledWith(
          'files',
          expect.arrayContaining(['environments/pr-123/application.yaml']),
        );
        for (const step of steps.slice(1)) await runStep(step);
        expect(await host.repository.listEnvironments()).toEqual([]);
      },
    );
  });
});
