/* eslint-disable no-console */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sleep } from '@blueberry-idp/plugin-blueberry-common';

/**
 * Benchmark: a stand-in serving N Applications (default 5,000) in its own process, measured from this
 * one over real HTTP: full list, filtered and trimmed lists, one get, and watches (time to first and
 * last event, alone and ten at once), plus how long a change takes to reach a watcher.
 * Prints a markdown table. Run with `yarn bench` (env BENCH_APPS, BENCH_RUNS to change the size).
 */

const APPS = Number(process.env.BENCH_APPS ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const TOKEN = 'bench-token';
const headers = { authorization: `Bearer ${TOKEN}` };

interface Row {
  what: string;
  median: number;
  p95: number;
  detail: string;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function startServer(): Promise<{
  url: string;
  stop: () => void;
  startupMs: number;
}> {
  const started = performance.now();
  const cli = resolve(process.cwd(), 'src/cli.ts'); // `yarn bench` runs in the package folder
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      cli,
      '--port',
      '0',
      '--token',
      TOKEN,
      '--synthetic',
      String(APPS),
      '--synthetic-apps',
      '10',
      '--synthetic-per-app',
      '20,200',
      '--wave-delay-ms',
      '10',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', chunk => {
      out += chunk;
      const match = /listening on (http:\/\/\S+?),?\s/.exec(out);
      if (match) resolveUrl(match[1]);
    });
    child.on('exit', code => reject(new Error(`stand-in exited with ${code}`)));
  });
  return {
    url,
    stop: () => child.kill('SIGTERM'),
    startupMs: performance.now() - started,
  };
}

/** Times requests to the last byte received; the client's JSON.parse is timed apart. */
async function timeRequests(url: string): Promise<{
  times: number[];
  firstByte: number[];
  parse: number[];
  bytes: number;
  items: number;
}> {
  const times: number[] = [];
  const firstByte: number[] = [];
  const parse: number[] = [];
  let bytes = 0;
  let items = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const response = await fetch(url, { headers });
    firstByte.push(performance.now() - start);
    const buffer = await response.arrayBuffer();
    times.push(performance.now() - start);
    const parseStart = performance.now();
    const body = JSON.parse(new TextDecoder().decode(buffer));
    parse.push(performance.now() - parseStart);
    bytes = buffer.byteLength;
    items = body.items?.length ?? 1;
  }
  return { times, firstByte, parse, bytes, items };
}

/** Opens a watch and reports when the first and the `expected`-th events arrived (ms from request). */
async function timeWatch(
  url: string,
  expected: number,
  sse: boolean,
): Promise<{ first: number; last: number }> {
  const start = performance.now();
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { ...headers, ...(sse ? { accept: 'text/event-stream' } : {}) },
    signal: controller.signal,
  });
  const separator = sse ? '\n\n' : '\n';
  let buffer = '';
  let count = 0;
  let first = 0;
  let last = 0;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as any as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let at = buffer.indexOf(separator);
      while (at !== -1) {
        const frame = buffer.slice(0, at);
        buffer = buffer.slice(at + separator.length);
        at = buffer.indexOf(separator);
        if (!frame.trim() || frame.startsWith(':')) continue;
        JSON.parse(sse ? frame.slice('data: '.length) : frame);
        count++;
        if (count === 1) first = performance.now() - start;
        if (count === expected) {
          last = performance.now() - start;
          break;
        }
      }
      if (count === expected) break;
    }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
  } finally {
    controller.abort();
  }
  if (count === expected) return { first, last };
  throw new Error(`watch ended after ${count} of ${expected} events`);
}

async function main() {
  const server = await startServer();
  const rows: Row[] = [];
  const add = (what: string, times: number[], detail: string) =>
    rows.push({
      what,
      median: percentile(times, 50),
      p95: percentile(times, 95),
      detail,
    });
  const addList = (what: string, r: Awaited<ReturnType<typeof timeRequests>>) =>
    add(
      what,
      r.times,
      `${r.items} apps, ${(r.bytes / 1e6).toFixed(
        1,
      )} MB; first byte ${percentile(r.firstByte, 50).toFixed(
        1,
      )} ms, client JSON.parse ${percentile(r.parse, 50).toFixed(1)} ms`,
    );
  try {
    const api = `${server.url}/api/v1`;
    const full = await timeRequests(`${api}/applications`);
    addList('list, all', full);
    const trimmed = await timeRequests(
      `${api}/applications?fields=metadata.resourceVersion,items.metadata.name,items.metadata.labels,items.status.health,items.status.sync.status`,
    );
    addList('list, all, `fields` trimmed', trimmed);
    const selected = await timeRequests(
      `${api}/applications?selector=${encodeURIComponent(
        'blueberry.io/app=app-02',
      )}`,
    );
    addList('list, selector (one app)', selected);
    const one = await timeRequests(`${api}/applications/app-02-pr-7`);
    addList('get one', one);

    for (const sse of [false, true]) {
      const firsts: number[] = [];
      const lasts: number[] = [];
      for (let i = 0; i < Math.max(3, Math.floor(RUNS / 2)); i++) {
        const { first, last } = await timeWatch(
          `${api}/stream/applications`,
          APPS,
          sse,
        );
        firsts.push(first);
        lasts.push(last);
      }
      const mode = sse ? 'SSE' : 'NDJSON';
      add(`watch all (${mode}): first event`, firsts, `${APPS} ADDED`);
      add(`watch all (${mode}): last event`, lasts, `${APPS} ADDED`);
    }

    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () =>
        timeWatch(`${api}/stream/applications`, APPS, true),
      ),
    );
    add(
      '10 watches at once: last event',
      concurrent.map(c => c.last),
      `10 × ${APPS} ADDED`,
    );

    const propagation: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const name = `app-03-pr-${i + 1}`;
      const watch = timeWatch(
        `${api}/stream/applications?name=${name}&resourceVersion=${Number.MAX_SAFE_INTEGER}`,
        1,
        true,
      );
      await sleep(50);
      const start = performance.now();
      await fetch(`${api}/applications/${name}/sync`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      await watch;
      propagation.push(performance.now() - start);
    }
    add('sync → MODIFIED at a watcher', propagation, 'one app');
  } finally {
    server.stop();
  }

  console.log(
    `\nArgo CD stand-in, ${APPS} Applications, ${RUNS} runs per row (Node ${process.version}, ${process.platform}/${process.arch})\n`,
  );
  console.log(
    'List rows: request to last byte received (the client parse is noted apart). Watch rows: request to the first / last ADDED event parsed by the client.\n',
  );
  console.log(
    `Stand-in process start-up with ${APPS} synthetic apps: ${server.startupMs.toFixed(
      0,
    )} ms\n`,
  );
  console.log('| measure | median ms | p95 ms | notes |');
  console.log('|---|---:|---:|---|');
  for (const row of rows) {
    console.log(
      `| ${row.what} | ${row.median.toFixed(1)} | ${row.p95.toFixed(1)} | ${
        row.detail
      } |`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
