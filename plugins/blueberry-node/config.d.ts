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
    gitops?: {
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
