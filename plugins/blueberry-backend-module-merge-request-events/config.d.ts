import type { HumanDuration } from '@backstage/types';

export interface Config {
  blueberry?: {
    gitops?: {
      /**
       * The GitOps repository on GitLab, used when `blueberry.gitops.local` is not set: merged or
       * closed merge requests open a merge request there that removes the environment. The token is
       * the one of the `integrations.gitlab` entry for `host`; the branch is
       * `blueberry.gitops.revision` (default `main`).
       */
      gitlab?: {
        /** Host of the GitLab instance, matching an `integrations.gitlab` entry. */
        host: string;
        /** The GitOps project's path, such as `platform/gitops`. */
        project: string;
      };
    };
    /** Environments that follow merge requests (GitLab) and pull requests (GitHub) through webhook events. */
    mergeRequests?: {
      /**
       * A merge request opened, reopened or labelled with this label gets an environment
       * (`pr-<iid>`) through the template; taking the label off removes it. Unset: environments are
       * not created from events, and merged or closed merge requests still lose theirs.
       */
      label?: string;
      /** The template that creates the environment. Default `template:default/create-environment`. */
      templateRef?: string;
      /** How long to wait for the template's task before reporting it failed. Default 2 minutes. */
      taskTimeout?: HumanDuration | string;
    };
  };
}
