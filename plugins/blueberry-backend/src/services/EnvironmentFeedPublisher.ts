import { BLUEBERRY_LABELS } from '@blueberry-idp/plugin-blueberry-common';
import type {
  BlueberryEnvironmentFeed,
  EnvironmentSnapshot,
} from '@blueberry-idp/plugin-blueberry-node';
import type {
  EnvironmentChangeListener,
  EnvironmentService,
} from './EnvironmentService';
import type { ApplicationChange } from './InstanceWatcher';

/** The annotation with the application commit an environment runs (DESIGN section 3). */
const COMMIT_ANNOTATION = 'blueberry.io/commit';

/**
 * The environments of the watch, for the modules that follow them (blueberryEnvironmentFeedExtensionPoint):
 * snapshots come from the watcher's memory and change notices from its stream, so a module that
 * follows every environment adds no Argo CD request.
 */
export class EnvironmentFeedPublisher
  implements BlueberryEnvironmentFeed, EnvironmentChangeListener
{
  readonly #environments: EnvironmentService;
  readonly #listeners: Array<(instance: string, names: string[]) => void> = [];

  constructor(environments: EnvironmentService) {
    this.#environments = environments;
    environments.addListener(this);
  }

  async snapshot(): Promise<EnvironmentSnapshot> {
    const { items, errors } = await this.#environments.environmentsFor({
      key: 'every environment, for the feed',
      matches: app =>
        app.metadata?.labels?.[BLUEBERRY_LABELS.role] === 'environment',
    });
    return {
      environments: items.map(environment => ({
        environment,
        commit: this.#commitOf(environment.instance, environment.name),
      })),
      complete: errors.length === 0,
    };
  }

  onChange(listener: (instance: string, names: string[]) => void): void {
    this.#listeners.push(listener);
  }

  changed(instance: string, changes: ApplicationChange[]): void {
    const names = changes.flatMap(
      c => (c.after ?? c.before)?.metadata?.name ?? [],
    );
    if (!names.length) return;
    for (const listener of this.#listeners) listener(instance, names);
  }

  connectionChanged(): void {
    // A lost stream changes no environment; the snapshot says `stale` and `complete` holds.
  }

  #commitOf(instance: string, name: string): string | null {
    try {
      const annotations = this.#environments.application(instance, name)
        .metadata?.annotations;
      return annotations?.[COMMIT_ANNOTATION] ?? null;
    } catch {
      // Gone between the list and this read: the next change notice says so.
      return null;
    }
  }
}
