/**
 * Render and publish benchmark. Prints a markdown table; not a test (no timing assertions).
 *
 *   yarn --cwd plugins/blueberry-node bench
 *
 * 1. Rendering one environment (backend, Redis, two frontends): validate + render, in memory.
 * 2. Create + commit end to end, as the template does it locally: validate, render, write the
 *    files into a fresh workspace, read them back and propose them (`proposeChange`) to a real
 *    local GitOps repository, one commit with git.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  exampleRenderOptions,
  shopPullRequestSpec,
} from '../src/__fixtures__/shopEnvironment';
import { initGitopsRepository } from '../src/gitops/initGitopsRepository';
import { listFiles, writeRenderedFiles } from '../src/gitops/files';
import { LocalGitopsRepository } from '../src/gitops/localGitopsRepository';
import { renderEnvironment } from '../src/render/renderEnvironment';
import { validateEnvironmentRequest } from '../src/validation/environmentRequest';

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), n: samples.length };
}

async function measure(
  n: number,
  warmup: number,
  run: (i: number) => Promise<void> | void,
) {
  for (let i = 0; i < warmup; i++) await run(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

async function main() {
  const { expiresAt: _e, ...request } = shopPullRequestSpec;
  const now = new Date('2030-01-01T00:00:00Z');

  const render = await measure(2000, 200, () => {
    renderEnvironment(
      validateEnvironmentRequest({ ...request, ttl: '72h' }, { now }),
      exampleRenderOptions,
    );
  });

  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-bench-'));
  const repoPath = path.join(root, 'gitops');
  await initGitopsRepository({
    path: repoPath,
    branch: 'main',
    render: exampleRenderOptions,
  });
  const repository = await LocalGitopsRepository.open({
    path: repoPath,
    branch: 'main',
    render: exampleRenderOptions,
  });
  const endToEnd = await measure(40, 3, async i => {
    const name = i < 0 ? `warm-${-i}` : `pr-${i + 1}`;
    const spec = validateEnvironmentRequest(
      { ...request, name, pullRequest: Math.abs(i) + 1, ttl: '72h' },
      { now },
    );
    const workspace = path.join(root, `workspace-${name}`);
    await writeRenderedFiles(
      workspace,
      renderEnvironment(spec, exampleRenderOptions),
    );
    const folder = path.join(workspace, 'environments', name);
    await repository.proposeChange({
      environment: name,
      kind: 'create',
      summary: `create environment ${name}`,
      request: {
        reason: 'bench',
        requestedBy: 'user:default/bench',
        task: 'bench',
      },
      files: await Promise.all(
        (
          await listFiles(folder)
        ).map(async file => ({
          path: `environments/${name}/${file}`,
          content: await fs.readFile(path.join(folder, file)),
        })),
      ),
    });
  });
  await fs.rm(root, { recursive: true, force: true });

  const ms = (v: number) => v.toFixed(v < 1 ? 3 : 1);
  const rows = [
    [
      'Render one environment (validate + render, 4 components, 6 files)',
      render,
    ],
    [
      'Create + commit end to end (render, write workspace, git commit to a local repository)',
      endToEnd,
    ],
  ] as const;
  process.stdout.write(
    [
      `Node ${process.version}, ${os.cpus().length} CPU(s) ${
        os.cpus()[0]?.model ?? ''
      }`,
      '',
      '| what | runs | median (ms) | p95 (ms) |',
      '|---|---:|---:|---:|',
      ...rows.map(
        ([what, s]) => `| ${what} | ${s.n} | ${ms(s.median)} | ${ms(s.p95)} |`,
      ),
      '',
    ].join('\n'),
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
