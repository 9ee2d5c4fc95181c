import type { HumanDuration } from '@backstage/types';

export interface Config {
  blueberry?: {
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
