const MERGE_BYTES = 65_536;

/** A bounded queue of byte chunks exposed as a pull-based `ReadableStream`. */
export interface FrameQueue {
  readonly stream: ReadableStream<Uint8Array>;
  /**
   * Queues a chunk. Returns `false` (and queues nothing) when `maxQueue` chunks are already
   * waiting, unless `force` (replay, whose size the replay buffer already bounds).
   */
  push(chunk: Uint8Array, force?: boolean): boolean;
  /** Drops everything still queued, sends `last` and closes. */
  abort(last: Uint8Array): void;
  /** Closes once the queued chunks are read. */
  end(): void;
  /** Chunks waiting to be read. */
  readonly size: number;
}

/**
 * Creates the per-client queue. Chunks are handed to the reader only when it asks for one
 * (`highWaterMark: 0`), so a client that stops reading makes this queue, not the stream's
 * internals, grow, and the queue is bounded. `onCancel` runs when the reader cancels.
 */
export function createFrameQueue(maxQueue: number, onCancel: () => void): FrameQueue {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let items: Array<Uint8Array | undefined> = [];
  let head = 0;
  let waiting = false;
  let ending = false;
  let finished = false;

  function close(): void {
    if (finished) return;
    finished = true;
    items = [];
    head = 0;
    controller?.close();
  }

  /** The next chunk; several queued frames are merged (up to 64 KiB) into one write. */
  function take(): Uint8Array | undefined {
    if (head >= items.length) return undefined;
    let chunk = items[head] as Uint8Array;
    items[head++] = undefined;
    if (head < items.length && chunk.byteLength < MERGE_BYTES) {
      let end = head;
      let bytes = chunk.byteLength;
      while (end < items.length && bytes + (items[end] as Uint8Array).byteLength <= MERGE_BYTES) {
        bytes += (items[end] as Uint8Array).byteLength;
        end++;
      }
      if (end > head) {
        const merged = new Uint8Array(bytes);
        merged.set(chunk, 0);
        let offset = chunk.byteLength;
        for (; head < end; head++) {
          const next = items[head] as Uint8Array;
          merged.set(next, offset);
          offset += next.byteLength;
          items[head] = undefined;
        }
        chunk = merged;
      }
    }
    if (head === items.length) {
      items = [];
      head = 0;
    } else if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
    return chunk;
  }

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull(c) {
        const chunk = take();
        if (chunk !== undefined) c.enqueue(chunk);
        else if (!ending) waiting = true;
        if (ending && head >= items.length) close();
      },
      cancel() {
        finished = true;
        items = [];
        head = 0;
        onCancel();
      },
    },
    { highWaterMark: 0 },
  );

  return {
    stream,
    push(chunk, force = false) {
      if (finished || ending) return false;
      if (waiting) {
        waiting = false;
        controller?.enqueue(chunk);
        return true;
      }
      if (!force && items.length - head >= maxQueue) return false;
      items.push(chunk);
      return true;
    },
    abort(last) {
      if (finished || ending) return;
      items = [last];
      head = 0;
      ending = true;
      if (waiting) {
        waiting = false;
        controller?.enqueue(take() as Uint8Array);
        close();
      }
    },
    end() {
      if (finished || ending) return;
      ending = true;
      if (waiting) {
        waiting = false;
        close();
      }
    },
    get size() {
      return items.length - head;
    },
  };
}
