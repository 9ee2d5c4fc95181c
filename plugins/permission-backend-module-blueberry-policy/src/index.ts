/**
 * Blueberry's permission policy: the owners of an environment's source entity may change it, every
 * reader of the entity may read it.
 *
 * @packageDocumentation
 */
export { permissionModuleBlueberryPolicy as default } from './module';
export {
  BlueberryPermissionPolicy,
  blueberryPolicyDecision,
} from './BlueberryPermissionPolicy';
