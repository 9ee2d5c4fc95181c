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
       * Seconds between two checks of the GitOps branch's head commit (`headRevision()`: one `git
       * rev-parse` locally, one API request on GitLab or GitHub); a new commit refreshes at once.
       * Default 3 for `blueberry.gitops.local`, 30 for a Git host; 0 turns the check off.
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
