import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { markdownTable } from './report';

/** The output of another package's benchmark, embedded in the report as it printed it. */
export interface CompanionResult {
  title: string;
  command: string;
  /** Its markdown (tables and the lines around them), or why it is missing. */
  markdown: string;
  ok: boolean;
}

/** The repository root, two levels above this package. */
export const repoRoot = path.resolve(
  resolvePackagePath('@blueberry-idp/bench'),
  '../..',
);

/** How long one companion benchmark may take before it is stopped and reported as timed out. */
const timeoutMs = Number(process.env.BENCH_COMPANION_TIMEOUT_S ?? 600) * 1000;

/**
 * Runs a command from the repository root and collects its output. It gets its own process group,
 * so a timeout stops what it started too (a backend, a browser).
 */
function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\ntimed out after ${
        timeoutMs / 1000
      } s (BENCH_COMPANION_TIMEOUT_S)`;
      process.kill(-child.pid!, 'SIGKILL');
    }, timeoutMs);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/**
 * The markdown a benchmark printed: its tables and the prose lines between them. Log lines (JSON,
 * timestamps) are dropped; the figures are not touched.
 */
export function markdownOf(stdout: string): string {
  return stdout
    .split('\n')
    .filter(line => !/^\s*[{[]/.test(line) && !/^\d{4}-\d\d-\d\dT/.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function failed(code: number, stderr: string): string {
  return `**Failed** (exit ${code}):\n\n\`\`\`\n${stderr
    .trim()
    .split('\n')
    .slice(-15)
    .join('\n')}\n\`\`\``;
}

async function companion(
  title: string,
  command: string[],
  env: Record<string, string> = {},
): Promise<CompanionResult> {
  const result = await run(command[0], command.slice(1), env);
  const shown = `${Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('')}${command.join(' ')}`;
  if (result.code !== 0) {
    return {
      title,
      command: shown,
      ok: false,
      markdown: failed(result.code, result.stderr),
    };
  }
  return {
    title,
    command: shown,
    ok: true,
    markdown: markdownOf(result.stdout),
  };
}

/** The Chromium card benchmark of the end-to-end package, when it exists. */
const chromiumCardBench = 'packages/e2e-tests/bench/cardRender.ts';

/**
 * The Chromium card render benchmark prints markdown and writes its results as JSON to the file
 * `BENCH_JSON` names; the report shows what it printed, or its JSON as a table if it printed none.
 */
async function chromiumCardRender(): Promise<CompanionResult> {
  const title = 'Card render in Chromium (packages/e2e-tests)';
  const command = 'BENCH_JSON=<file> yarn --cwd packages/e2e-tests bench';
  try {
    await fs.access(path.join(repoRoot, chromiumCardBench));
  } catch {
    return {
      title,
      command,
      ok: false,
      markdown: `Not measured: \`${chromiumCardBench}\` does not exist yet. When it does, \`yarn bench\` runs it here.`,
    };
  }
  const jsonFile = path.join(
    await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-card-')),
    'card.json',
  );
  const result = await run('yarn', ['--cwd', 'packages/e2e-tests', 'bench'], {
    BENCH_JSON: jsonFile,
  });
  if (result.code !== 0) {
    return {
      title,
      command,
      ok: false,
      markdown: failed(result.code, result.stderr),
    };
  }
  const printed = markdownOf(result.stdout);
  const markdown = printed.includes('|')
    ? printed
    : jsonAsTable(JSON.parse(await fs.readFile(jsonFile, 'utf8')));
  return { title, command, ok: true, markdown };
}

/** A JSON result as a markdown table: the rows of an array of objects, or an object's keys and values. */
export function jsonAsTable(data: unknown): string {
  const cell = (value: unknown) =>
    typeof value === 'object' && value !== null
      ? JSON.stringify(value)
      : String(value);
  if (Array.isArray(data)) {
    const rows = data as Record<string, unknown>[];
    const header = [...new Set(rows.flatMap(r => Object.keys(r)))];
    return markdownTable(
      header,
      rows.map(r => header.map(h => (h in r ? cell(r[h]) : ''))),
      header.map(() => false),
    );
  }
  return markdownTable(
    ['figure', 'value'],
    Object.entries(data as object).map(([k, v]) => [k, cell(v)]),
    [false, false],
  );
}

/** Runs the other packages' benchmarks one after the other, after the backends are stopped. */
export async function runCompanions(options: {
  backendDurationS: number;
}): Promise<CompanionResult[]> {
  return [
    await companion(
      'Our backend in-process: change in Argo CD to signal (plugins/blueberry-backend)',
      ['yarn', '--cwd', 'plugins/blueberry-backend', 'bench'],
      { BENCH_DURATION_S: String(options.backendDurationS) },
    ),
    await companion(
      'History of an environment with 200 commits beside the list route, on the embedded default (plugins/blueberry-backend)',
      ['yarn', '--cwd', 'plugins/blueberry-backend', 'bench:history'],
    ),
    await companion(
      'Render and commit one environment (plugins/blueberry-node)',
      ['yarn', '--cwd', 'plugins/blueberry-node', 'bench'],
    ),
    await companion(
      '"Create environment" end to end through the scaffolder (packages/e2e-tests)',
      ['yarn', '--cwd', 'packages/e2e-tests', 'bench:template'],
    ),
    await companion('Card render in jsdom (plugins/blueberry)', [
      'yarn',
      '--cwd',
      'plugins/blueberry',
      'bench',
    ]),
    await chromiumCardRender(),
  ];
}
