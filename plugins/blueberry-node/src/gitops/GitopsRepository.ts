import type { GitopsChangeRequest } from './changeMessage';
import type { GitopsHistoryPage, GitopsHistoryQuery } from './gitopsHistory';

/**
 * One file of a proposed change: its new content, or `null` to delete it.
 *
 * @public
 */
export interface GitopsFileEdit {
  /** The file's path from the repository root, inside `environments/<environment>/`. */
  path: string;
  content: string | Buffer | null;
}

/**
 * A change to one environment's folder, with who asked, through which task and why.
 *
 * @public
 */
export interface GitopsChange {
  environment: string;
  /**
   * What the change does, such as `create`, `update`, `remove`, `keep` or `rollback`; on a Git host
   * it names the branch the change is proposed on, `blueberry/<kind>-<environment>`.
   */
  kind: string;
  /** The first line of the message after `blueberry: `, such as `remove environment pr-12`. */
  summary: string;
  request: Pick<GitopsChangeRequest, 'reason' | 'requestedBy' | 'task'>;
  /** The files to write or delete; files of the folder not named stay as they are. */
  files: GitopsFileEdit[];
  /** What merging does, for a merge or pull request's description. */
  merging?: string;
}

/**
 * What proposing a change did.
 *
 * @public
 */
export interface GitopsChangeResult {
  /**
   * `committed`: a commit on the local repository's branch. `proposed`: a merge or pull request
   * holds it (`alreadyOpen` when an earlier proposal did). `unchanged`: the branch holds those
   * files already, so nothing was made.
   */
  status: 'committed' | 'proposed' | 'unchanged';
  /** The commit that holds the change: the branch's, or the proposal branch's head. */
  revision: string;
  /** The merge or pull request; absent for the local repository. */
  url?: string;
  /** A proposal for the same kind and environment was open already; it now holds the change. */
  alreadyOpen: boolean;
}

/**
 * What `readEnvironments` reads.
 *
 * @public
 */
export interface GitopsEnvironmentsQuery {
  /** The commit to read at; default: the followed branch's head. */
  revision?: string;
  /**
   * Which files' contents are wanted, by repository path (`environments/<env>/...`); default:
   * all. Files left out are not fetched, so a reader that needs one file per environment reads
   * only those.
   */
  filter?: (path: string) => boolean;
}

/**
 * An open merge or pull request of an environment.
 *
 * @public
 */
export interface GitopsOpenProposal {
  /** The kind of change, from its branch `blueberry/<kind>-<environment>`. */
  kind: string;
  url: string;
  /** The head commit of its branch. */
  revision: string;
}

/**
 * The GitOps repository, wherever it lives: a local git repository (the embedded setup), a GitLab
 * project or a GitHub repository. Reads come from the branch Argo CD follows (or a revision);
 * changes are one commit locally and a merge or pull request on a Git host, so merging is the
 * deployment. Every implementation passes the same contract suite
 * (`contract/gitopsRepositoryContract.ts`).
 *
 * @public
 */
export interface GitopsRepository {
  /**
   * The commit the followed branch points at now: one cheap request (`git rev-parse` locally, the
   * branch or ref on a Git host), for a reader that polls for new commits. NotFoundError while the
   * branch does not exist (a local repository before its first commit).
   */
  headRevision(): Promise<string>;
  /** The environments on the followed branch: the folders under `environments/`, sorted. */
  listEnvironments(): Promise<string[]>;
  /**
   * The files of `environments/<env>/` at `revision` (default: the followed branch's head), by
   * repository path, as committed bytes; empty when the folder held nothing then.
   */
  readFiles(
    environment: string,
    revision?: string,
  ): Promise<Map<string, Buffer>>;
  /**
   * Every environment folder at `revision` (default: the followed branch's head) with the files
   * of it that `filter` keeps, by environment name, then by repository path; one batched read
   * of the whole `environments/` tree (locally one `git ls-tree -r` and one
   * `git cat-file --batch`; on a Git host one recursive tree and the kept files), for readers that need every
   * environment. An environment none of whose files is kept is there with no files.
   */
  readEnvironments(
    query?: GitopsEnvironmentsQuery,
  ): Promise<Map<string, Map<string, Buffer>>>;
  /**
   * The merge or pull requests open for the environment, of any kind (their source branch is
   * `blueberry/<kind>-<environment>`, targeting the followed branch); always empty for a local
   * repository, whose changes are commits.
   */
  openProposals(environment: string): Promise<GitopsOpenProposal[]>;
  /** The commits of the followed branch that touched `environments/<env>/`, newest first, a page at a time. */
  history(
    environment: string,
    query: GitopsHistoryQuery,
  ): Promise<GitopsHistoryPage>;
  /**
   * The newest commit touching `environments/<env>/` at or before `revision` (Argo CD's synced
   * revision is the branch's head then, which may be another environment's commit); undefined when
   * the repository has no such commit.
   */
  environmentChangeAt(
    environment: string,
    revision: string,
  ): Promise<string | undefined>;
  /**
   * Writes and deletes files of one environment's folder with one message (gitopsCommitMessage).
   * Idempotent: a repeat finds the commit or open proposal that holds the files and answers the
   * same revision and URL.
   */
  proposeChange(change: GitopsChange): Promise<GitopsChangeResult>;
}
