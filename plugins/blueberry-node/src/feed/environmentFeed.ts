import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { Environment } from '@blueberry-idp/plugin-blueberry-common';

/**
 * One environment as Blueberry's backend last saw it through its Argo CD watch.
 *
 * @public
 */
export interface FeedEnvironment {
  environment: Environment;
  /** The application commit it runs (the `blueberry.io/commit` annotation), when recorded. */
  commit: string | null;
}

/**
 * Every environment the backend holds in memory.
 *
 * @public
 */
export interface EnvironmentSnapshot {
  environments: FeedEnvironment[];
  /**
   * False while an Argo CD instance has not answered its first list (or fails): an environment
   * missing from the snapshot may then still exist.
   */
  complete: boolean;
}

/**
 * The backend's watch-fed picture of the environments, read from memory: reading it costs Argo CD
 * no request.
 *
 * @public
 */
export interface BlueberryEnvironmentFeed {
  snapshot(): Promise<EnvironmentSnapshot>;
  /** Called with the names of the environments that changed (appeared, changed or went). */
  onChange(listener: (instance: string, environments: string[]) => void): void;
}

/**
 * A module that reads the feed: given it during the backend plugin's init.
 *
 * @public
 */
export interface EnvironmentFeedConsumer {
  connect(feed: BlueberryEnvironmentFeed): void;
}

/** @public */
export interface BlueberryEnvironmentFeedExtensionPoint {
  addConsumer(consumer: EnvironmentFeedConsumer): void;
}

/**
 * Lets modules of the `blueberry` plugin follow the environments the backend watches (for
 * example to tell merge requests how their environment is doing) without asking Argo CD again.
 *
 * @public
 */
export const blueberryEnvironmentFeedExtensionPoint =
  createExtensionPoint<BlueberryEnvironmentFeedExtensionPoint>({
    id: 'blueberry.environment-feed',
  });
