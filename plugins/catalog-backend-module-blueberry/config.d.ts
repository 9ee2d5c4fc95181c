import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Blueberry: throw-away environments through GitOps and Argo CD. */
  blueberry?: {
    /** The catalog entities of the environments. */
    catalog?: {
      /**
       * Schedule of the full refresh, which runs once across replicas; default every minute with a
       * 3 minute timeout.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Seconds between two checks of the branch's head commit (one `git rev-parse`); a new commit
       * refreshes at once. Default 3; 0 turns the check off.
       */
      headPollSeconds?: number;
      /** Catalog namespace of the environment entities; default `default`. */
      namespace?: string;
      /**
       * Name of the entry of `blueberry.argocd.instances` the environments run on, for the Argo CD
       * link and the `argocd/instance-name` annotation; default the first entry.
       */
      argocdInstance?: string;
    };
  };
}
