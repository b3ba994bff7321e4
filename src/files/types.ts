/** Content accepted by `FileStorage#put`. */
export type FileData = Uint8Array | ArrayBuffer | ArrayBufferView | string | Blob | ReadableStream<Uint8Array>;

/** Options of `FileStorage#put`. */
export interface PutOptions {
  /** MIME type stored with the file. @default guessed from the extension, else application/octet-stream */
  contentType?: string;
}

/** What `put` resolves to. */
export interface StoredFile {
  path: string;
  /** Size in bytes. */
  size: number;
  /** Lowercase hex SHA-256 of the content. */
  sha256: string;
  contentType: string;
}

/** What `stat` resolves to. */
export interface FileStat {
  path: string;
  size: number;
  contentType: string;
  /** Last modification, when the backend knows it. */
  modifiedAt?: Date;
  /** SHA-256 of the content, when the backend stored it. */
  sha256?: string;
}

/** Options of `FileStorage#get`. */
export interface GetOptions {
  /** `'bytes'` (default) resolves to a `Uint8Array`, `'stream'` to a Web `ReadableStream`. */
  as?: 'bytes' | 'stream';
}

/**
 * A file store (memory, local disk, any unstorage driver such as S3 or Azure). Paths are
 * relative, `/`-separated, and checked: `..`, absolute paths, backslashes, NUL bytes, `:`
 * and percent-encoded traversal throw `IntegrationError` `INVALID_PATH` before any I/O.
 * A missing file makes `get` throw `NotFoundError`; backend faults are `StorageError`.
 *
 * @example
 * ```ts
 * const { sha256 } = await storage.put('reports/2024.json', JSON.stringify(report), { contentType: 'application/json' });
 * const bytes = await storage.get('reports/2024.json');
 * ```
 */
export interface FileStorage {
  /** Stores `data` at `path`, replacing any previous file. */
  put(path: string, data: FileData, options?: PutOptions): Promise<StoredFile>;
  /** The file's content; throws `NotFoundError` when it does not exist. */
  get(path: string, options?: { as?: 'bytes' }): Promise<Uint8Array>;
  /** The file's content as a stream; throws `NotFoundError` when it does not exist. */
  get(path: string, options: { as: 'stream' }): Promise<ReadableStream<Uint8Array>>;
  /** Size, type and dates, or `undefined` when the file does not exist. */
  stat(path: string): Promise<FileStat | undefined>;
  /** Deletes the file; resolves to whether it existed. */
  delete(path: string): Promise<boolean>;
  /** Whether the file exists. */
  exists(path: string): Promise<boolean>;
  /** Every file path starting with `prefix` (a plain string prefix), sorted. */
  list(prefix?: string): Promise<string[]>;
}
