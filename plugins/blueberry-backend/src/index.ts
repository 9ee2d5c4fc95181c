/**
 * Blueberry's backend plugin.
 *
 * @packageDocumentation
 */
export { blueberryPlugin as default } from './plugin';
