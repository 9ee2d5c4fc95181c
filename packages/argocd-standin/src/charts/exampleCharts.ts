import fs from 'node:fs';
import path from 'node:path';
import { runTool } from '../render/tools';

/** `examples/charts` of this repository (two levels above this package): the example shop's charts. */
export const EXAMPLE_CHARTS_DIR = path.resolve(
  require.resolve('@blueberry-idp/argocd-standin/package.json'),
  '../../../examples/charts',
);

/** The example charts' folders: `shop-service` (backend, frontends) and `redis`. */
export function exampleChartDirs(): string[] {
  return fs
    .readdirSync(EXAMPLE_CHARTS_DIR, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => path.join(EXAMPLE_CHARTS_DIR, entry.name))
    .filter(dir => fs.existsSync(path.join(dir, 'Chart.yaml')))
    .sort();
}

/**
 * A chart made by the real `helm create <name>` in `parent`, untouched: Helm's own scaffold, the
 * chart most teams start from. Made at test time so that it is always the scaffold of the pinned
 * Helm, never a copy someone edited.
 */
export async function helmCreateChart(
  parent: string,
  name: string,
): Promise<string> {
  await runTool('helm', ['create', name], parent);
  return path.join(parent, name);
}
