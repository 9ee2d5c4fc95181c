export { ArgoCdContent } from './ArgoCdContent';
