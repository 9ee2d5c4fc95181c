import type { HumanDuration } from '@backstage/types';

export interface Config {
  blueberry?: {
    /** Environments that follow merge requests (GitLab) and pull requests (GitHub) through webhook events. */
    mergeRequests?: {
      /**
       * A merge request opened, reopened or labelled with this label gets an environment through
       * the template; taking the label off removes it. Unset: environments are not created from
       * events; merged or closed merge requests still lose theirs, and pushes still move them.
       */
      label?: string;
      /**
       * The name of a merge request's environment: a pattern over `{app}` (the entity's
       * `blueberry.io/app`, or its name), `{number}` (the merge request iid or pull request number)
       * and `{project}` (the project path or repository full name). Lowercased, other characters
       * made `-`; longer than 53 characters, cut and ended with a short hash of the whole name.
       * Default `{app}-pr-{number}`. Environments are found again by the merge request they record
       * (`blueberry.io/merge-request`), not by name.
       */
      environmentName?: string;
      /** The template that creates the environment. Default `template:default/create-environment`. */
      templateRef?: string;
      /** How long to wait for the template's task before reporting it failed. Default 2 minutes. */
      taskTimeout?: HumanDuration | string;
      /**
       * What a merge request hears about its environment (the merge-request-feedback module). Off
       * unless `comments` or `deploymentStatus` is true. GitHub and GitLab are reached through the
       * `integrations.github` / `integrations.gitlab` entry of the merge request's host (token or
       * GitHub App); the environment is the one whose `blueberry.io/merge-request` names it.
       */
      feedback?: {
        /**
         * One comment per merge request, edited in place and found again by its hidden marker
         * `<!-- blueberry:environment=<name> -->`: the environment, its Backstage page, preview
         * URLs, health and sync, waves, failing resources, commit, expiry, and "removed" at the end.
         */
        comments?: boolean;
        /**
         * GitHub: a deployment of the head commit (`environment: <name>`, transient) with statuses
         * queued, in_progress, success, failure and inactive on removal. GitLab: the commit status
         * `blueberry/<name>` (pending, running, success, failed) linking the Backstage page, and
         * a GitLab environment of the same name with the preview URL, stopped on removal.
         */
        deploymentStatus?: boolean;
        /** At most one edit per merge request this often; the last state is always written. Default 5. */
        minIntervalSeconds?: number;
      };
    };
  };
}
