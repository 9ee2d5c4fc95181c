export interface Config {
  /** Blueberry: throw-away environments through GitOps and Argo CD. */
  blueberry?: {
    /** Where environment blueprints may be read from, besides what Backstage's URL reader reads. */
    blueprints?: {
      /**
       * Folders whose files may be read through `file:` URLs: blueprints beside catalog entities
       * registered from file locations (the embedded default's `examples`). Relative paths resolve
       * against the backend's working directory. Unset: no local files are read.
       */
      fileRoots?: string[];
    };
    /**
     * The GitOps repository: the one place every Blueberry package (scaffolder actions, lifecycle,
     * merge request events, catalog) reads it from. Set exactly one of `local`, `gitlab` or
     * `github`; `local` wins, then `gitlab`.
     */
    gitops?: {
      /**
       * The GitOps repository's URL as Argo CD knows it; the rendered Applications take their
       * sources from it. Default: the file:// URL of `local.path`.
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
       * A local GitOps repository (the embedded development setup): every change is one commit on
       * `branch`, taken under a lock shared by every process on the machine. Leave it out in
       * production, where changes go by merge request and review.
       */
      local?: {
        /** Folder of the repository; relative paths resolve against the backend's working directory. */
        path: string;
        /** Branch to commit to and read from; default `main`. */
        branch?: string;
      };
      /**
       * The GitOps repository on GitLab, when `local` is not set: read through GitLab's REST API,
       * changed by merge requests on `blueberry/<kind>-<environment>` that target `revision`
       * (default `main`), made with the token of the `integrations.gitlab` entry for `host`.
       */
      gitlab?: {
        /** Host of the GitLab instance, matching an `integrations.gitlab` entry. */
        host: string;
        /** The GitOps project's path, such as `platform/gitops`. */
        project: string;
      };
      /**
       * The GitOps repository on GitHub (github.com or GitHub Enterprise), when neither `local` nor
       * `gitlab` is set: read through GitHub's REST API, changed by pull requests on
       * `blueberry/<kind>-<environment>` that target `branch`. Credentials come from the
       * `integrations.github` entry for the repository's host: its token, or its GitHub App (an
       * installation token for the repository's owner). Name the repository by `url`, or by
       * `owner` and `repo` (with `host`).
       */
      github?: {
        /** The repository's URL, such as `https://github.com/platform/gitops`; wins over owner/repo/host. */
        url?: string;
        /** Host of the repository, matching an `integrations.github` entry; default `github.com`. */
        host?: string;
        /** The user or organisation that owns the repository, such as `platform`. */
        owner?: string;
        /** The repository's name, such as `gitops`. */
        repo?: string;
        /** The branch Argo CD follows; default `blueberry.gitops.revision`, else `main`. */
        branch?: string;
      };
    };
    /**
     * The OCI registries Blueberry asks for image digests (a tag resolved to what the registry serves
     * for it now), with their credentials. A registry not listed is reached anonymously over HTTPS.
     * Credentials need read (pull) access only.
     */
    registries?: Array<{
      /** The registry as image references name it: `registry.gitlab.com`, `localhost:5000`, `docker.io`. */
      host: string;
      /** User name for basic auth, or for the registry's token service. */
      username?: string;
      /**
       * Password or access token that goes with `username`.
       * @visibility secret
       */
      password?: string;
      /**
       * A bearer token sent as it is, for registries that take one without a token exchange.
       * @visibility secret
       */
      token?: string;
      /** Plain HTTP instead of HTTPS: a registry on localhost or inside the cluster. Default false. */
      insecure?: boolean;
    }>;
  };
}
