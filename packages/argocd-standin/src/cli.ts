/* eslint-disable no-console */
import { parseArgs } from 'node:util';
import { startArgoCdStandIn } from './server';
import { startExampleChartRepository } from './charts/chartRepository';

const HELP = `argocd-standin: a local Argo CD stand-in (a test double, not Argo CD)

  --repo <path>             GitOps repository to reconcile (a git repository)
  --branch <name>           branch to follow (default main)
  --port <n>                port (default 7080; 0 = free port)
  --host <addr>             bind address (default 127.0.0.1)
  --token <t>               bearer token clients must send (or env ARGOCD_STANDIN_TOKEN)
  --admin-token <t>         token for /admin/* (default: loopback callers only)
  --wave-delay-ms <n>       time per sync wave (default 1000)
  --poll-interval-ms <n>    how often the branch head is polled (default 500)
  --keepalive-ms <n>        SSE keepalive period (default 15000)
  --chart-repository-port <n>  also serve the example charts (and helm create web) as a Helm
                            chart repository on 127.0.0.1:<n> (the embedded default: 7081)
  --synthetic <count>       add <count> settled synthetic Applications
  --synthetic-apps <n>      spread them over n blueberry.io/app values (default 10)
  --synthetic-per-app <a,b> exact counts for the first apps, e.g. 20,200
`;

async function main() {
  const { values } = parseArgs({
    options: {
      repo: { type: 'string' },
      branch: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      'admin-token': { type: 'string' },
      'wave-delay-ms': { type: 'string' },
      'poll-interval-ms': { type: 'string' },
      'keepalive-ms': { type: 'string' },
      'chart-repository-port': { type: 'string' },
      synthetic: { type: 'string' },
      'synthetic-apps': { type: 'string' },
      'synthetic-per-app': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const token = values.token ?? process.env.ARGOCD_STANDIN_TOKEN;
  if (!token) {
    console.error(`--token is required\n\n${HELP}`);
    process.exit(2);
  }
  const num = (v: string | undefined) =>
    v === undefined ? undefined : Number(v);
  const charts = values['chart-repository-port']
    ? await startExampleChartRepository(Number(values['chart-repository-port']))
    : undefined;
  const standIn = await startArgoCdStandIn({
    repoPath: values.repo,
    branch: values.branch,
    port: num(values.port) ?? 7080,
    host: values.host,
    token,
    adminToken: values['admin-token'],
    waveDelayMs: num(values['wave-delay-ms']),
    pollIntervalMs: num(values['poll-interval-ms']),
    keepaliveMs: num(values['keepalive-ms']),
    synthetic: values.synthetic
      ? {
          count: Number(values.synthetic),
          apps: num(values['synthetic-apps']) ?? 10,
          environmentsPerApp: values['synthetic-per-app']
            ?.split(',')
            .map(Number),
        }
      : undefined,
  });
  // The token is never printed.
  console.log(
    `argocd-standin (test double) listening on ${standIn.url}${
      values.repo ? `, reconciling ${values.repo}` : ''
    }`,
  );
  if (charts)
    console.log(
      `example chart repository on ${charts.url}: ${charts.charts
        .map(c => `${c.name} ${c.version}`)
        .join(', ')}`,
    );
  const shutdown = async () => {
    await standIn.stop();
    await charts?.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch(error => {
  console.error(`argocd-standin failed to start: ${error.message}`);
  process.exit(1);
});
