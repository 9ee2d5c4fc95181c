/**
 * Child process: the Argo CD stand-in with synthetic Applications, in its own process so that serving
 * Argo CD does not share a CPU with the load generator. Options come as JSON in `BENCH_STANDIN`.
 */
import { startArgoCdStandIn } from '@blueberry-idp/argocd-standin';
import { reportMemoryOnRequest } from './memoryReporter';

async function main() {
  const { token, synthetic } = JSON.parse(process.env.BENCH_STANDIN!);
  const standIn = await startArgoCdStandIn({ port: 0, token, synthetic });
  reportMemoryOnRequest();
  process.on('SIGTERM', () => {
    standIn.stop().then(() => process.exit(0));
  });
  process.send!({ type: 'ready', url: standIn.url });
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
