export interface Config {
  /** Blueberry: throw-away environments through GitOps and Argo CD. */
  blueberry?: {
    /** The GitOps repository the scaffolder actions write environments into. */
    gitops?: {
      /**
       * The GitOps repository's URL as Argo CD knows it; the rendered Applications take their values
       * files and the Namespace manifest from it. Default: the file:// URL of `local.path`.
       */
      repoURL?: string;
      /** The branch Argo CD follows in the GitOps repository; default `local.branch`, else `main`. */
      revision?: string;
      /**
       * Whether `blueberry:environment:create` checks, before writing anything, that each
       * component's chart exists at its exact version (the chart repository's index.yaml, or the
       * OCI manifest, with the credentials of `blueberry.registries`). Default true. Turn it off
       * only when the backend cannot reach the chart repositories Argo CD reaches; Argo CD then
       * reports a missing chart on the card, after the commit.
       */
      checkCharts?: boolean;
      /**
       * The namespace of each environment, over `{environment}`; default `blueberry-{environment}`.
       * It must add a fixed prefix or suffix of at most 10 characters, so that no environment name
       * can reach a namespace Blueberry did not make; the environments' AppProject allows only
       * namespaces of this pattern. Reserve the prefix for Blueberry on the cluster.
       */
      namespacePattern?: string;
      /**
       * The chart repositories environments may use, in Argo CD's glob syntax (an AppProject's
       * `sourceRepos`, such as `https://charts.example.com/*` or `oci://registry.example.com/charts/*`).
       * A chart from anywhere else is refused at creation. The GitOps repository is always allowed.
       * Default none.
       */
      sourceRepos?: string[];
      /** Where the Applications go in Argo CD. */
      argocd?: {
        /** Namespace of Argo CD's Applications; default `argocd`. */
        namespace?: string;
        /**
         * AppProject of the environments' Applications, which the bootstrap ships; default
         * `blueberry-environments`. Never `default` (it permits everything).
         */
        project?: string;
        /** API server URL of the cluster environments deploy to; default `https://kubernetes.default.svc`. */
        destinationServer?: string;
      };
      /**
       * A local GitOps repository that `blueberry:gitops:commit` commits to, instead of opening a
       * merge request (the embedded development setup). Leave it out in production.
       */
      local?: {
        /** Folder of the repository; relative paths resolve against the backend's working directory. */
        path: string;
        /** Branch to commit to; default `main`. */
        branch?: string;
      };
      /**
       * The GitOps repository on GitLab (production). While it is set, `blueberry:gitops:commit`
       * refuses to commit locally, so no template parameter can skip the merge request.
       */
      gitlab?: {
        /** Host of the GitLab instance, matching an `integrations.gitlab` entry. */
        host: string;
        /** The GitOps project's path, such as `platform/gitops`. */
        project: string;
      };
    };
  };
}
