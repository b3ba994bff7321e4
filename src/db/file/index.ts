/**
 * File-system driver of `KeyValue` (Node only): one atomically written JSON file per key.
 *
 * @example
 * ```ts
 * import { fileKV } from '@wawagot/integrations/db/file';
 * const kv = fileKV({ dir: './data/kv' });
 * ```
 * @module
 */
export { type FileKVOptions, fileKV } from './file-kv.js';
