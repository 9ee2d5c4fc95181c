import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { environmentDir } from '@blueberry-idp/plugin-blueberry-common';
import { gitopsCommitMessage } from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  filesUnder,
  fixedClock,
  makeTempDir,
  mockContext,
  outputOf,
  ownershipOver,
  SHOP_ENTITY,
  shopCreateInput,
} from '../__testUtils__/fixtures';
import {
  GitopsHostKind,
  GitopsHostUnderTest,
  startGitopsHost,
} from '../__testUtils__/gitopsHosts';
import { createBlueberryEnvironmentCreateAction } from './createEnvironment';
import { createBlueberryGitopsProposeAction } from './proposeGitopsChange';

// Real git (locally and behind the GitHub stand-in) on a shared 2-core machine.
jest.setTimeout(90_000);

const INITIAL = { 'environments/.gitkeep': '', 'README.md': 'GitOps\n' };
const DIR = environmentDir('pr-123');
const JANE = { user: { ref: 'user:default/jane' }, task: { id: 'task-42' } };
const OTHER = 'component:default/billing';

describe.each<[GitopsHostKind]>([['local'], ['gitlab'], ['github']])(
  'blueberry:gitops:propose on a %s GitOps repository',
  kind => {
    let host: GitopsHostUnderTest;
    let root: string;

    beforeEach(async () => {
      host = await startGitopsHost(kind, INITIAL);
      root = await makeTempDir('propose');
    });
    afterEach(async () => {
      const problems = host.problems();
      await host.close();
      await fs.rm(root, { recursive: true, force: true });
      if (problems.length) throw new Error(problems.join('\n'));
    });

    /** A workspace with the shop's pr-123 rendered by the create action (`input` over it). */
    async function rendered(input: Record<string, unknown> = {}) {
      const workspace = await fs.mkdtemp(path.join(root, 'ws-'));
      await createBlueberryEnvironmentCreateAction({
        render: host.render,
        ownership: ownershipOver(undefined).ownership,
        clock: fixedClock,
      }).handler(mockContext(shopCreateInput(input), workspace));
      return workspace;
    }
    const propose = (owned: string[] = [SHOP_ENTITY]) =>
      createBlueberryGitopsProposeAction({
        repository: host.repository,
        ownership: ownershipOver(host.repository, owned).ownership,
        auth: mockServices.auth(),
      });
    /** Runs the action; its `change` output. */
    async function run(
      input: Record<string, unknown>,
      workspace: string,
      extra: Record<string, unknown> = JANE,
      owned?: string[],
    ) {
      const ctx = mockContext(input, workspace, extra);
      await propose(owned).handler(ctx);
      return outputOf<{ kind: string; url?: string; revision: string }>(
        ctx,
        'change',
      )!;
    }
    /** The workspace's folder, by repository path. */
    async function workspaceFolder(workspace: string) {
      const names = await filesUnder(workspace, DIR);
      return new Map(
        await Promise.all(
          names.map(
            async n => [n, await fs.readFile(path.join(workspace, n))] as const,
          ),
        ),
      );
    }
    const sorted = (files: Map<string, Buffer>) =>
      [...files].sort(([a], [b]) => a.localeCompare(b));

    it('publishes the environment in one change saying who asked, which task and why', async () => {
      const workspace = await rendered();
      const change = await run(
        { environment: 'pr-123', reason: 'Preview of !123' },
        workspace,
      );
      expect(change.kind).toBe(host.changeKind);
      expect(change.revision).toMatch(/^[0-9a-f]{40}$/);
      // No URL for a commit; GitLab's merge request, GitHub's pull request.
      const url = {
        local: /^$/,
        gitlab: /\/-\/merge_requests\/\d+$/,
        github: /\/pull\/\d+$/,
      }[kind];
      expect(change.url ?? '').toMatch(url);
      // Before merging the followed branch is as it was; the proposal holds the files.
      expect(
        sorted(await host.repository.readFiles('pr-123', change.revision)),
      ).toEqual(sorted(await workspaceFolder(workspace)));

      await host.land(change);
      expect(sorted(await host.repository.readFiles('pr-123'))).toEqual(
        sorted(await workspaceFolder(workspace)),
      );
      const { commits } = await host.repository.history('pr-123', {
        limit: 5,
      });
      expect(commits.map(c => c.message)).toContain(
        gitopsCommitMessage('create environment pr-123', {
          reason: 'Preview of !123',
          requestedBy: 'user:default/jane',
          task: 'task-42',
        }),
      );
    });

    it('answers the same change for a repeat, and makes nothing more', async () => {
      const workspace = await rendered();
      const first = await run({ environment: 'pr-123' }, workspace);
      const made = await host.changesMade();
      // Locally the commit landed, so a repeat must ask for an update; it finds the branch as wanted.
      const repeat = await run(
        { environment: 'pr-123', update: true },
        workspace,
      );
      expect(repeat).toEqual(first);
      expect(await host.changesMade()).toBe(made);
    });

    it('replaces the folder on update: files the workspace no longer has are deleted in the same change', async () => {
      await host.land(await run({ environment: 'pr-123' }, await rendered()));
      const before = await host.changesMade();
      const smaller = await rendered({
        components: shopCreateInput().components.filter(
          c => c.name !== 'redis',
        ),
      });
      const change = await run(
        { environment: 'pr-123', update: true, reason: 'Redis goes' },
        smaller,
      );
      await host.land(change);
      const files = await host.repository.readFiles('pr-123');
      expect(sorted(files)).toEqual(sorted(await workspaceFolder(smaller)));
      expect([...files.keys()].some(f => f.includes('/redis/'))).toBe(false);
      const { commits } = await host.repository.history('pr-123', {
        limit: 5,
      });
      const update = commits.find(c => c.trailers.Reason === 'Redis goes')!;
      expect(update.files.filter(f => f.change === 'deleted')).toEqual(
        expect.arrayContaining([
          { path: `${DIR}/components/redis/values.yaml`, change: 'deleted' },
        ]),
      );
      // One commit for the change (and, on a host, its merge request and merge).
      expect(await host.changesMade()).toBeGreaterThan(before);
    });

    it('refuses an environment that exists without update, a foreign update or removal, and changes nothing', async () => {
      const workspace = await rendered();
      await host.land(await run({ environment: 'pr-123' }, workspace));
      const made = await host.changesMade();
      await expect(run({ environment: 'pr-123' }, workspace)).rejects.toThrow(
        ConflictError,
      );
      for (const input of [
        { environment: 'pr-123', update: true },
        { environment: 'pr-123', remove: true },
      ]) {
        await expect(run(input, workspace, JANE, [OTHER])).rejects.toThrow(
          NotAllowedError,
        );
      }
      // A dry run says the same, and a permitted one changes nothing either.
      const dryRun = { ...JANE, isDryRun: true };
      await expect(
        run({ environment: 'pr-123' }, workspace, dryRun),
      ).rejects.toThrow(ConflictError);
      await expect(
        run({ environment: 'pr-123', remove: true }, workspace, dryRun, [
          OTHER,
        ]),
      ).rejects.toThrow(NotAllowedError);
      expect(
        await run({ environment: 'pr-123', remove: true }, workspace, dryRun),
      ).toBeUndefined();
      expect(await host.changesMade()).toBe(made);
    });

    it('proposes the removal, which once landed leaves no folder', async () => {
      const workspace = await rendered();
      await host.land(await run({ environment: 'pr-123' }, workspace));
      // The workspace is not read for a removal: an empty one will do.
      const empty = await fs.mkdtemp(path.join(root, 'empty-'));
      const change = await run(
        { environment: 'pr-123', remove: true, reason: 'Merged' },
        empty,
      );
      expect(change.kind).toBe(host.changeKind);
      await host.land(change);
      expect((await host.repository.readFiles('pr-123')).size).toBe(0);
      expect(await host.repository.listEnvironments()).toEqual([]);
      // Nothing left to remove.
      await expect(
        run({ environment: 'pr-123', remove: true }, empty),
      ).rejects.toThrow(NotFoundError);
    });

    it('names whom a backend service asked for, and only when no user started the task', async () => {
      const workspace = await rendered();
      const change = await run(
        { environment: 'pr-123', requestedBy: 'gitlab:jane' },
        workspace,
        {
          user: undefined,
          task: { id: 'task-43' },
          getInitiatorCredentials: async () =>
            mockCredentials.service('plugin:blueberry'),
        },
      );
      await host.land(change);
      const [latest] = (
        await host.repository.history('pr-123', { limit: 5 })
      ).commits.filter(c => c.trailers.Task);
      expect(latest.trailers).toEqual({
        Reason: 'Requested through the Backstage scaffolder.',
        'Requested-by': 'gitlab:jane (through plugin:blueberry)',
        Task: 'task-43',
      });
      // A user's task: the user is who asked, whatever requestedBy says.
      const removal = await run(
        { environment: 'pr-123', remove: true, requestedBy: 'gitlab:mallory' },
        workspace,
      );
      await host.land(removal);
      const [removed] = (
        await host.repository.history('pr-123', { limit: 5 })
      ).commits.filter(c => c.trailers.Task === 'task-42');
      expect(removed.trailers['Requested-by']).toBe('user:default/jane');
    });

    it('refuses bad input with an InputError, and writes nothing', async () => {
      const workspace = await rendered();
      const made = await host.changesMade();
      for (const input of [
        { environment: '../x' },
        { environment: 'pr-123', sourcePath: '../..' },
        { environment: 'pr-123', remove: 'yes' },
        { environment: 'pr-123', requestedBy: 'x\nTask: forged' },
        // Nothing rendered for it in the workspace.
        { environment: 'pr-9' },
      ]) {
        await expect(run(input, workspace)).rejects.toThrow(InputError);
      }
      expect(await host.changesMade()).toBe(made);
    });
  },
);
