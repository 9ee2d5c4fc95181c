import { createServiceFactory } from '@backstage/backend-plugin-api';
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import { LocalFileUrlReader } from '@blueberry-idp/plugin-scaffolder-backend-module-blueberry';

/**
 * Lets the URL reader read blueprints from file locations under `blueberry.blueprints.fileRoots`
 * (the embedded default: the example shop's `.blueberry/environment.yaml` beside its entity).
 * Without that setting it reads nothing.
 */
export const localBlueprintFilesUrlReader = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return ({ config }) => {
      const roots = LocalFileUrlReader.rootsFromConfig(config);
      if (roots.length === 0) return [];
      const reader = new LocalFileUrlReader(roots);
      return [{ reader, predicate: (url: URL) => reader.handles(url) }];
    };
  },
});
