import { configError } from '../internal/config.js';
import type { Logger } from '../types.js';
import { checkContentType, maxBytesOption, toBytes } from './bytes.js';
import { checkPath } from './path.js';
import { sniffContentType } from './sniff.js';
import type { FileData, FileStorage, StoredFile } from './types.js';

/** What a processor receives. */
export interface ProcessorInput {
  path: string;
  contentType: string;
  bytes: Uint8Array;
  size: number;
  storage: string;
}

/** Runs on each saved file of a content type; its result is returned by `save`. */
export type FileProcessor<R = unknown> = (file: ProcessorInput) => R | Promise<R>;

/** Options of {@link createFileHub}. */
export interface FileHubOptions<S extends string> {
  /** Named storages, e.g. `{ local, cloud, backup }`. */
  storages: Record<S, FileStorage>;
  /**
   * Processors by content type: an exact type (`'application/json'`), a family
   * (`'image/*'`) or the catch-all `'*'` (also spelt as wildcard type and subtype). The most
   * specific match runs before the file is stored; if it throws, nothing is stored.
   * @default {}
   */
  processors?: Record<string, FileProcessor>;
  /** Largest accepted file; bigger ones throw `PAYLOAD_TOO_LARGE` before anything runs. @default unlimited */
  maxBytes?: number;
  /** Logs each save at `debug`. */
  logger?: Logger;
}

/** What `save` resolves to: the stored metadata, the storage name and the processor's result. */
export interface SavedFile extends StoredFile {
  storage: string;
  /** The processor's result, `undefined` when no processor matched. */
  processed: unknown;
}

/** Routes files to named storages and runs a processor per content type. */
export interface FileHub<S extends string> {
  /** Sniffs the type (when not given), runs the matching processor, stores the file. */
  save(storage: S, path: string, content: FileData, options?: { contentType?: string }): Promise<SavedFile>;
  /** The named storage (throws `CONFIG` for an unknown name). */
  storage(name: S): FileStorage;
}

/**
 * A file hub: one place to save files to named storages (local, cloud, backup), with the
 * content type sniffed from magic bytes when not given and a processor per type family
 * (text, image, audio, video, data). An unknown storage name throws `CONFIG`; content over
 * `maxBytes` throws `PAYLOAD_TOO_LARGE` before any processor or write.
 *
 * @example
 * ```ts
 * const hub = createFileHub({
 *   storages: { local: memoryStorage(), backup: memoryStorage() },
 *   processors: { 'image/*': ({ size }) => ({ kind: 'image', size }), 'application/json': ({ bytes }) => JSON.parse(new TextDecoder().decode(bytes)) },
 *   maxBytes: 10 * 1024 * 1024,
 * });
 * const saved = await hub.save('local', 'uploads/cat.png', pngBytes); // saved.contentType === 'image/png'
 * ```
 */
export function createFileHub<S extends string>(options: FileHubOptions<S>): FileHub<S> {
  const storages = options?.storages as Record<string, FileStorage> | undefined;
  if (!storages || typeof storages !== 'object' || Object.keys(storages).length === 0) {
    configError('createFileHub needs at least one storage');
  }
  for (const [name, s] of Object.entries(storages)) {
    if (!s || typeof s.put !== 'function') configError(`storage "${name}" is not a FileStorage`);
  }
  const processors = options.processors ?? {};
  for (const [pattern, fn] of Object.entries(processors)) {
    if (typeof fn !== 'function') configError(`processor "${pattern}" is not a function`);
    if (pattern !== '*' && pattern !== '*/*' && !/^[\w.+-]+\/([\w.+-]+|\*)$/.test(pattern)) {
      configError(`bad processor pattern "${pattern.slice(0, 50)}"`);
    }
  }
  const maxBytes = maxBytesOption(options.maxBytes);

  const storage = (name: string): FileStorage => {
    const found = Object.hasOwn(storages, name) ? storages[name] : undefined;
    if (!found) configError(`unknown storage "${String(name).slice(0, 50)}"`);
    return found;
  };
  const processorFor = (type: string): FileProcessor | undefined => {
    const bare = type.split(';')[0]?.trim().toLowerCase() ?? '';
    const family = `${bare.split('/')[0]}/*`;
    return (
      (Object.hasOwn(processors, bare) ? processors[bare] : undefined) ??
      (Object.hasOwn(processors, family) ? processors[family] : undefined) ??
      (Object.hasOwn(processors, '*') ? processors['*'] : undefined) ??
      (Object.hasOwn(processors, '*/*') ? processors['*/*'] : undefined)
    );
  };

  return {
    storage: storage as FileHub<S>['storage'],
    async save(name, path, content, opts = {}) {
      const target = storage(name);
      checkPath(path);
      const given = checkContentType(opts.contentType);
      const bytes = await toBytes(content, maxBytes);
      const contentType = given ?? sniffContentType(bytes);
      const processor = processorFor(contentType);
      const processed = processor
        ? await processor({ path, contentType, bytes: bytes.slice(), size: bytes.byteLength, storage: name })
        : undefined;
      const stored = await target.put(path, bytes, { contentType });
      options.logger?.debug({ storage: name, path, contentType, size: stored.size }, 'file saved');
      return { ...stored, storage: name, processed };
    },
  };
}
