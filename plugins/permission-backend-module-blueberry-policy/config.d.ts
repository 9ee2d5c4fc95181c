export interface Config {
  /** Blueberry: throw-away environments through GitOps and Argo CD. */
  blueberry?: {
    /** Blueberry's permission policy (`@blueberry-idp/plugin-permission-backend-module-blueberry-policy`). */
    permissionPolicy?: {
      /**
       * Users or groups (entity refs such as `group:default/platform`) who may sync, keep, update
       * and destroy every environment, owners or not. Default none.
       */
      admins?: string[];
    };
  };
}
