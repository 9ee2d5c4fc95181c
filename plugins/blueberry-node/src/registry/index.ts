export { OciRegistryClient, RegistryAccessError } from './OciRegistryClient';
export type { ResolvedImage } from './OciRegistryClient';
export { parseTaggedImage } from './imageReference';
export type { TaggedImage } from './imageReference';
export { readRegistryAccess } from './registryConfig';
export type { RegistryAccess } from './registryConfig';
