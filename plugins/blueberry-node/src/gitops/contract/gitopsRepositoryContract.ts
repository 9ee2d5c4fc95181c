/* eslint-disable jest/no-export -- a shared spec: each implementation's test file runs it */
import { InputError } from '@backstage/errors';
import { renderEnvironment } from '../../render/renderEnvironment';
import {
  shopPullRequestEnvironment,
  shopSourceRepos,
} from '../../testUtils/shopEnvironment';
import { gitopsCommitMessage } from '../changeMessage';
import type {
  GitopsChange,
  GitopsChangeResult,
  GitopsRepository,
} from '../GitopsRepository';

/** One implementation under the contract, over a repository that starts with `files` on `main`. */
export interface GitopsRepositoryUnderContract {
  repository: GitopsRepository;
  /** What merging does: lands a proposed change on the followed branch (nothing for a commit). */
  land(result: GitopsChangeResult): Promise<void>;
  /** How many commits and merge/pull requests the repository holds: a repeat must add none. */
  changesMade(): Promise<number>;
  /** Requests the repository's double saw that its provider's description does not allow. */
  problems?(): string[];
  close(): Promise<void>;
}

const RENDER = {
  gitops: {
    repoURL: 'https://git.example.com/platform/gitops.git',
    targetRevision: 'main',
    sourceRepos: shopSourceRepos(),
  },
};
const DIR = 'environments/pr-12';
const APPLICATION = `${DIR}/application.yaml`;
const NAMESPACE = `${DIR}/manifests/namespace.yaml`;
const MOVED = `${DIR}/manifests/ns.yaml`;
const REDIS_VALUES = `${DIR}/components/redis/values.yaml`;
const NOTE = `${DIR}/NOTES.md`;

/** The repository every implementation starts from: two rendered environments on `main`. */
export const CONTRACT_FILES: Record<string, string> = Object.fromEntries(
  [
    shopPullRequestEnvironment('pr-12'),
    shopPullRequestEnvironment('pr-13'),
  ].flatMap(s => renderEnvironment(s, RENDER).map(f => [f.path, f.content])),
);

const REQUEST = {
  reason: 'merge request !12 moved to a new head',
  requestedBy: 'user:default/jane',
  task: 'contract test',
};

/** Update pr-12: one file changed, one renamed, one removed, one added; one message. */
const UPDATE: GitopsChange = {
  environment: 'pr-12',
  kind: 'update',
  summary: 'update environment pr-12',
  request: REQUEST,
  files: [
    {
      path: APPLICATION,
      content: `${CONTRACT_FILES[APPLICATION]}# moved on\n`,
    },
    { path: NAMESPACE, content: null },
    { path: MOVED, content: CONTRACT_FILES[NAMESPACE] },
    { path: REDIS_VALUES, content: null },
    { path: NOTE, content: 'Ephemeral.\n' },
  ],
};

/** A file that is not UTF-8 (a PNG's signature, a NUL, bytes no UTF-8 sequence starts with). */
const LOGO = `${DIR}/files/logo.png`;
const LOGO_BYTES = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0xc3,
  0x28,
]);

/** The files of pr-12 after UPDATE. */
function updatedFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const [path, content] of Object.entries(CONTRACT_FILES)) {
    if (path.startsWith(`${DIR}/`)) files.set(path, Buffer.from(content));
  }
  for (const edit of UPDATE.files) {
    if (edit.content === null) files.delete(edit.path);
    else files.set(edit.path, Buffer.from(edit.content));
  }
  return files;
}

const sorted = (files: Map<string, Buffer>) =>
  [...files].sort(([a], [b]) => a.localeCompare(b));

/**
 * The one contract every `GitopsRepository` keeps, whatever hosts it: run against a real local
 * git repository, the GitLab stand-in and the GitHub stand-in (each over real HTTP).
 */
export function describeGitopsRepositoryContract(
  name: string,
  start: (
    files: Record<string, string>,
  ) => Promise<GitopsRepositoryUnderContract>,
) {
  describe(`GitopsRepository contract: ${name}`, () => {
    let subject: GitopsRepositoryUnderContract;

    beforeEach(async () => {
      subject = await start(CONTRACT_FILES);
    });

    afterEach(async () => {
      const problems = subject.problems?.() ?? [];
      await subject.close();
      if (problems.length) throw new Error(problems.join('\n'));
    });

    it('lists the environments on the followed branch', async () => {
      await expect(subject.repository.listEnvironments()).resolves.toEqual([
        'pr-12',
        'pr-13',
      ]);
    });

    it("answers the followed branch's head: unmoved by a proposal, moved once the change lands", async () => {
      const before = await subject.repository.headRevision();
      expect(before).toMatch(/^[0-9a-f]{40}$/);
      await expect(subject.repository.headRevision()).resolves.toBe(before);
      const result = await subject.repository.proposeChange(UPDATE);
      // A commit moves the branch at once; a merge or pull request only when merged.
      expect((await subject.repository.headRevision()) === before).toBe(
        result.status === 'proposed',
      );
      await subject.land(result);
      const after = await subject.repository.headRevision();
      expect(after).toMatch(/^[0-9a-f]{40}$/);
      expect(after).not.toBe(before);
      // The head is a revision to read at: the landed folder is there.
      expect(
        sorted(await subject.repository.readFiles('pr-12', after)),
      ).toEqual(sorted(updatedFiles()));
    });

    it('proposes a change once: a repeat answers the same revision and change, and makes nothing', async () => {
      const first = await subject.repository.proposeChange(UPDATE);
      expect(first.status).toMatch(/^(committed|proposed)$/);
      expect(first.revision).toMatch(/^[0-9a-f]{40}$/);
      expect(first.alreadyOpen).toBe(false);
      const made = await subject.changesMade();

      const repeat = await subject.repository.proposeChange(UPDATE);
      expect(repeat.revision).toBe(first.revision);
      expect(repeat.url).toBe(first.url);
      expect(repeat.status).toBe(
        first.status === 'committed' ? 'unchanged' : 'proposed',
      );
      expect(repeat.alreadyOpen).toBe(first.status === 'proposed');
      expect(await subject.changesMade()).toBe(made);
    });

    it("reads the environment's files at the change's revision, byte for byte", async () => {
      const result = await subject.repository.proposeChange(UPDATE);
      const files = await subject.repository.readFiles(
        'pr-12',
        result.revision,
      );
      expect(sorted(files)).toEqual(sorted(updatedFiles()));
      // Another environment's folder is not part of the answer.
      expect([...files.keys()].every(p => p.startsWith(`${DIR}/`))).toBe(true);
    });

    it('reads every environment in one batch: the kept files, byte for byte, at the head or a revision', async () => {
      const all = await subject.repository.readEnvironments();
      expect([...all.keys()]).toEqual(['pr-12', 'pr-13']);
      for (const [environment, files] of all) {
        expect(sorted(files)).toEqual(
          sorted(await subject.repository.readFiles(environment)),
        );
      }
      const result = await subject.repository.proposeChange(UPDATE);
      const atChange = await subject.repository.readEnvironments({
        revision: result.revision,
      });
      expect(sorted(atChange.get('pr-12')!)).toEqual(sorted(updatedFiles()));
      expect(sorted(atChange.get('pr-13')!)).toEqual(sorted(all.get('pr-13')!));
      // Only the files a reader keeps are read; an environment with none kept is still there.
      const applications = await subject.repository.readEnvironments({
        revision: result.revision,
        filter: path => path.endsWith('/pr-12/application.yaml'),
      });
      expect([...applications.keys()]).toEqual(['pr-12', 'pr-13']);
      expect([...applications.get('pr-12')!]).toEqual([
        [
          APPLICATION,
          Buffer.from(`${CONTRACT_FILES[APPLICATION]}# moved on\n`),
        ],
      ]);
      expect(applications.get('pr-13')!.size).toBe(0);
      await expect(
        subject.repository.readEnvironments({ revision: 'main' }),
      ).rejects.toThrow(InputError);
    });

    it('lists the open proposals of an environment: the change until it lands, none for a commit', async () => {
      await expect(subject.repository.openProposals('pr-12')).resolves.toEqual(
        [],
      );
      const result = await subject.repository.proposeChange(UPDATE);
      await expect(subject.repository.openProposals('pr-12')).resolves.toEqual(
        result.status === 'proposed'
          ? [{ kind: 'update', url: result.url, revision: result.revision }]
          : [],
      );
      // Another environment's proposal is not this one's.
      await expect(subject.repository.openProposals('pr-13')).resolves.toEqual(
        [],
      );
      await subject.land(result);
      await expect(subject.repository.openProposals('pr-12')).resolves.toEqual(
        [],
      );
      await expect(
        subject.repository.openProposals('Not_A_Name'),
      ).rejects.toThrow(InputError);
    });

    it("shows the folder's history once landed: the message, its trailers, a change, a rename, a removal, an addition", async () => {
      const result = await subject.repository.proposeChange(UPDATE);
      await subject.land(result);
      const page = await subject.repository.history('pr-12', { limit: 10 });
      const commit = page.commits.find(
        c => c.message === gitopsCommitMessage(UPDATE.summary, REQUEST),
      );
      expect(commit).toBeDefined();
      expect(commit!.trailers).toEqual({
        Reason: REQUEST.reason,
        'Requested-by': REQUEST.requestedBy,
        Task: REQUEST.task,
      });
      const byPath = (a: { path: string }, b: { path: string }) =>
        a.path.localeCompare(b.path);
      expect([...commit!.files].sort(byPath)).toEqual(
        [
          { path: APPLICATION, change: 'modified' },
          { path: MOVED, change: 'renamed', previousPath: NAMESPACE },
          { path: REDIS_VALUES, change: 'deleted' },
          { path: NOTE, change: 'added' },
        ].sort(byPath),
      );
      expect(commit!.diff).toContain(
        `diff --git a/${APPLICATION} b/${APPLICATION}`,
      );
      expect(commit!.diff).toContain('+# moved on');
      expect(commit!.diff).toContain(`rename from ${NAMESPACE}`);
      expect(commit!.diff).toContain('+Ephemeral.');
      expect(commit!.diffTruncated).toBe(false);
      // What Argo CD syncs after landing is the branch's head: its folder commit is this one.
      await expect(
        subject.repository.environmentChangeAt(
          'pr-12',
          page.commits[0].revision,
        ),
      ).resolves.toBe(page.commits[0].revision);
      await expect(
        subject.repository.environmentChangeAt('pr-12', 'f'.repeat(40)),
      ).resolves.toBeUndefined();
      // The landed folder is what the change proposed.
      expect(sorted(await subject.repository.readFiles('pr-12'))).toEqual(
        sorted(updatedFiles()),
      );
    });

    it('pages the history with a cursor, newest first, down to the first commit', async () => {
      await subject.land(await subject.repository.proposeChange(UPDATE));
      const first = await subject.repository.history('pr-12', { limit: 1 });
      expect(first.commits).toHaveLength(1);
      expect(first.nextCursor).toMatch(/^[0-9a-f]{40}$/);
      const rest = await subject.repository.history('pr-12', {
        limit: 10,
        cursor: first.nextCursor,
      });
      expect(rest.nextCursor).toBeUndefined();
      const seen = [...first.commits, ...rest.commits];
      expect(new Set(seen.map(c => c.revision)).size).toBe(seen.length);
      expect(seen[seen.length - 1].files.map(f => f.change)).toEqual(
        seen[seen.length - 1].files.map(() => 'added'),
      );
    });

    it('removes an environment by a change that deletes its files; once landed it is no longer listed', async () => {
      const files = [
        ...(await subject.repository.readFiles('pr-13')).keys(),
      ].map(path => ({ path, content: null }));
      expect(files.length).toBeGreaterThan(0);
      const removal: GitopsChange = {
        environment: 'pr-13',
        kind: 'remove',
        summary: 'remove environment pr-13',
        request: REQUEST,
        files,
      };
      const removed = await subject.repository.proposeChange(removal);
      await subject.land(removed);
      // At the removal's commit, pr-12's folder last changed in the commit that made it.
      const [made] = (await subject.repository.history('pr-12', { limit: 1 }))
        .commits;
      await expect(
        subject.repository.environmentChangeAt('pr-12', removed.revision),
      ).resolves.toBe(made.revision);
      await expect(subject.repository.listEnvironments()).resolves.toEqual([
        'pr-12',
      ]);
      expect((await subject.repository.readFiles('pr-13')).size).toBe(0);
      // Removing it again changes nothing.
      const again = await subject.repository.proposeChange(removal);
      expect(again.status).toBe('unchanged');
    });

    it('round-trips a file that is not UTF-8 through a proposal, byte for byte', async () => {
      expect(() =>
        new TextDecoder('utf-8', { fatal: true }).decode(LOGO_BYTES),
      ).toThrow();
      const change: GitopsChange = {
        environment: 'pr-12',
        kind: 'update',
        summary: 'add a logo to environment pr-12',
        request: REQUEST,
        files: [{ path: LOGO, content: LOGO_BYTES }],
      };
      const result = await subject.repository.proposeChange(change);
      const proposed = await subject.repository.readFiles(
        'pr-12',
        result.revision,
      );
      expect(proposed.get(LOGO)).toEqual(LOGO_BYTES);
      await subject.land(result);
      expect((await subject.repository.readFiles('pr-12')).get(LOGO)).toEqual(
        LOGO_BYTES,
      );
      const batch = await subject.repository.readEnvironments({
        filter: path => path === LOGO,
      });
      expect([...batch.get('pr-12')!]).toEqual([[LOGO, LOGO_BYTES]]);
      const [landed] = (await subject.repository.history('pr-12', { limit: 1 }))
        .commits;
      expect(landed.files).toEqual([{ path: LOGO, change: 'added' }]);
      // Proposing it again compares the bytes read back with these: nothing to change.
      const made = await subject.changesMade();
      await expect(
        subject.repository.proposeChange(change),
      ).resolves.toMatchObject({ status: 'unchanged' });
      expect(await subject.changesMade()).toBe(made);
    });

    it('refuses, before anything is written, a file outside the environment folder or a bad name', async () => {
      const made = await subject.changesMade();
      for (const change of [
        { ...UPDATE, files: [{ path: 'bootstrap/x.yaml', content: 'x' }] },
        {
          ...UPDATE,
          files: [{ path: `${DIR}/../pr-13/application.yaml`, content: 'x' }],
        },
        { ...UPDATE, environment: 'Not_A_Name' },
        { ...UPDATE, kind: 'no/slash' },
      ]) {
        await expect(subject.repository.proposeChange(change)).rejects.toThrow(
          InputError,
        );
      }
      expect(await subject.changesMade()).toBe(made);
    });
  });
}
