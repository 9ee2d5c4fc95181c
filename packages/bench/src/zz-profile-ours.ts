/* eslint-disable */
// TEMPORARY (lead's profiling, not committed)
import { startArgoCdStandIn } from '@blueberry-idp/argocd-standin';
import autocannon from 'autocannon';
import fs from 'node:fs';
import { fork } from 'node:child_process';
import { backendConfig, catalogEntities } from './backends';

async function main() {
  const standIn = await startArgoCdStandIn({ token: 'tok', waveDelayMs: 200, synthetic: { count: 1000, apps: 10, environmentsPerApp: [20, 200] } });
  const port = 17123;
  fs.writeFileSync('/tmp/rp/catalog.yaml', catalogEntities([{ name: 'twenty', app: 'app-01', environments: 20 }, { name: 'two-hundred', app: 'app-02', environments: 200 }]));
  const cfg = backendConfig({ kind: 'blueberry', port, argocdUrl: standIn.url, argocdToken: 'tok', callerToken: 'caller-token-0123456789abcdef0123', catalogFile: '/tmp/rp/catalog.yaml' }) as any;
  if (process.env.QUIET) cfg.backend.logLevel = 'warn';
  fs.writeFileSync('/tmp/rp/config.json', JSON.stringify(cfg));
  const child = fork(require.resolve('./processes/backendProcess'), ['blueberry', '--config', '/tmp/rp/config.json'], {
    execArgv: ['--cpu-prof', '--cpu-prof-dir=/tmp/rp/prof', '--require', require.resolve('@backstage/cli/config/nodeTransform.cjs')],
    env: { ...process.env, NODE_ENV: 'production', BENCH_BACKEND_URL: `http://127.0.0.1:${port}`, ...(process.env.QUIET ? { LOG_LEVEL: 'warn' } : {}) },
    stdio: ['ignore', fs.openSync('/tmp/rp/backend.log', 'w'), fs.openSync('/tmp/rp/backend.log', 'a'), 'ipc'],
  });
  await new Promise(r => child.on('message', (m: any) => m.type === 'ready' && r(null)));
  const url = `http://127.0.0.1:${port}/api/blueberry/environments?entityRef=component:default/twenty`;
  const headers = { Authorization: 'Bearer caller-token-0123456789abcdef0123' };
  for (;;) { const r = await fetch(url, { headers }); const b: any = await r.json(); if (b.items?.length === 20) break; await new Promise(r => setTimeout(r, 500)); }
  await autocannon({ url, connections: 10, duration: 2, headers });
  for (const enc of ['identity', 'gzip']) {
    const r = await autocannon({ url, connections: 50, duration: 5, headers: { ...headers, 'Accept-Encoding': enc } });
    console.log(enc, 'views/s', Math.round(r.requests.average), 'p50', r.latency.p50, 'p99', r.latency.p99, 'non2xx', r.non2xx);
  }
  child.kill('SIGTERM');
  await new Promise(r => child.on('exit', r));
  await standIn.stop();
}
main().then(() => process.exit(0), e => { console.error(e); process.exit(1); });
