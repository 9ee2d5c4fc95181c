/*
 * Benchmark: how long one full refresh takes for N environments committed to a real GitOps
 * repository (real renderer, real git). Prints a markdown table. Run with `yarn bench`.
 *
 * Stages: read (through the local GitopsRepository: headRevision, then readEnvironments at that
 * commit keeping the catalog's files: one ls-tree -r of environments/ and one cat-file --batch,
 * three git processes in all), parse (YAML to environments),
 * build (entities), refresh (the provider's whole refresh, handing the full mutation to a catalog
 * connection that only counts; the catalog's own processing and stitching come after and are not
 * in this figure).
 */
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import {
  git,
  LocalGitopsRepository,
  renderEnvironment,
  writeRenderedFiles,
} from '@blueberry-idp/plugin-blueberry-node';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  renderOptions,
  shopEnvironment,
} from '../src/__testUtils__/gitopsRepository';
import { environmentEntity } from '../src/entities/environmentEntity';
import {
  GitopsFile,
  isEnvironmentFile,
  readEnvironments,
} from '../src/gitops/readEnvironments';
import { BlueberryEnvironmentProvider } from '../src/provider/BlueberryEnvironmentProvider';

const SIZES = (process.env.BENCH_SIZES ?? '100,1000,2000')
  .split(',')
  .map(Number);
const RUNS = 3;

const silentLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

async function repositoryWith(
  count: number,
): Promise<{ root: string; repo: string }> {
  const root = await fs.mkdtemp(
    path.join(os.tmpdir(), 'blueberry-catalog-bench-'),
  );
  const repo = path.join(root, 'gitops');
  await fs.mkdir(repo);
  await git(repo, ['init', '-q', '-b', 'main']);
  for (let i = 1; i <= count; i++) {
    await writeRenderedFiles(
      repo,
      renderEnvironment(shopEnvironment(`pr-${i}`), renderOptions),
    );
  }
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '-m', `${count} environments`]);
  return { root, repo };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

async function main() {
  const rows: string[] = [];
  for (const size of SIZES) {
    const { root, repo } = await repositoryWith(size);
    const repository = await LocalGitopsRepository.open({
      path: repo,
      branch: 'main',
      render: renderOptions,
    });
    const stages = {
      read: [] as number[],
      parse: [] as number[],
      build: [] as number[],
      refresh: [] as number[],
    };
    let files = 0;
    let entities = 0;
    for (let run = 0; run < RUNS; run++) {
      const [read, commitAndFiles] = await time(async () => {
        const commit = await repository.headRevision();
        const folders = await repository.readEnvironments({
          revision: commit,
          filter: isEnvironmentFile,
        });
        const wanted: GitopsFile[] = [];
        for (const [file, content] of [...folders.values()].flatMap(f => [
          ...f,
        ])) {
          wanted.push({ path: file, content: content.toString('utf8') });
        }
        return { commit, files: wanted };
      });
      const [parse, parsed] = await time(() =>
        readEnvironments(commitAndFiles.files),
      );
      const [build] = await time(() =>
        parsed.environments.map(environment =>
          environmentEntity(environment, {
            commit: commitAndFiles.commit,
            locationOf: file => `file:${repo}/${file}`,
            knownComponentRefs: new Set(['component:default/shop-backend']),
          }),
        ),
      );
      const provider = new BlueberryEnvironmentProvider({
        repository,
        locationOf: file => `file:${repo}/${file}`,
        logger: silentLogger,
        lookupComponents: async refs => new Set(refs.slice(0, 1)),
      });
      const connection: EntityProviderConnection = {
        async applyMutation() {},
        async refresh() {},
      };
      await provider.connect(connection);
      const [refresh, result] = await time(() => provider.refresh());
      entities = result.entities;
      stages.read.push(read);
      stages.parse.push(parse);
      stages.build.push(build);
      stages.refresh.push(refresh);
      files = commitAndFiles.files.length;
    }
    rows.push(
      `| ${size} | ${files} | ${entities} | ${median(stages.read).toFixed(
        0,
      )} | ${median(stages.parse).toFixed(0)} | ${median(stages.build).toFixed(
        0,
      )} | ${median(stages.refresh).toFixed(0)} |`,
    );
    await fs.rm(root, { recursive: true, force: true });
  }
  console.log(
    `One full refresh, median of ${RUNS} runs, milliseconds (node ${
      process.version
    }, ${os.cpus().length} cores)\n`,
  );
  console.log(
    '| environments | files read | entities | read (git) | parse (YAML) | build entities | whole refresh |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
