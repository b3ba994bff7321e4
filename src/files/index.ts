/**
 * File storage on Web standards: the `FileStorage` contract, `memoryStorage`,
 * `unstorageStorage` (any unstorage driver: S3, Azure, R2, fs, ...), `mirroredStorage`
 * (primary + backup) and `createFileHub` (named storages, type sniffing, processors).
 * The local-disk driver is in `files/node`.
 *
 * @example
 * ```ts
 * import { createFileHub, memoryStorage } from '@wawagot/integrations/files';
 * const hub = createFileHub({ storages: { local: memoryStorage() }, processors: { 'text/*': ({ size }) => size } });
 * const saved = await hub.save('local', 'notes/a.txt', 'hello'); // { contentType: 'text/plain', processed: 5, ... }
 * ```
 * @module
 */
export { checkContentType, sha256Hex, typeFromPath } from './bytes.js';
export {
  createFileHub,
  type FileHub,
  type FileHubOptions,
  type FileProcessor,
  type ProcessorInput,
  type SavedFile,
} from './file-hub.js';
export { type MemoryStorageOptions, memoryStorage } from './memory-storage.js';
export {
  type MirroredStorage,
  type MirroredStorageOptions,
  type MirrorReport,
  mirroredStorage,
} from './mirrored-storage.js';
export { checkPath } from './path.js';
export { sniffContentType } from './sniff.js';
export type { FileData, FileStat, FileStorage, GetOptions, PutOptions, StoredFile } from './types.js';
export { type UnstorageLike, type UnstorageStorageOptions, unstorageStorage } from './unstorage-storage.js';
