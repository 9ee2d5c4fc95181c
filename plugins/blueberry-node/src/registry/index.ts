export { OciRegistryClient } from './OciRegistryClient';
export type { ResolvedImage } from './OciRegistryClient';
export type { TaggedImage } from './imageReference';
export type { RegistryAccess } from './registryConfig';
