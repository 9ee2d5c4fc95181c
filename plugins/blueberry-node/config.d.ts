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
