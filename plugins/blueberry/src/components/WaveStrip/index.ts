export { WaveStrip } from './WaveStrip';
