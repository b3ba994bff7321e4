/**
 * Node-only file storage: `localStorage({ root })` on the local disk, with atomic writes and
 * path confinement.
 *
 * @example
 * ```ts
 * import { localStorage } from '@wawagot/integrations/files/node';
 * const files = localStorage({ root: './uploads' });
 * ```
 * @module
 */
export { type LocalStorageOptions, localStorage } from './local-storage.js';
