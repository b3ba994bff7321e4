/** A buffered bus event, with its serialised forms cached per topic. */
export interface Entry {
  seq: number;
  id: string;
  type: string;
  time: string;
  /** The bus event's data, as published. */
  data: unknown;
  /** `JSON.stringify(data)`, computed once. */
  dataJson: string;
  /** Indices of the topics the event belongs to. */
  topics: readonly number[];
  /** Cached JSON message per topic index. */
  json: Array<string | undefined>;
  /** Cached encoded SSE frame per topic index. */
  frames: Array<Uint8Array | undefined>;
}

/** Fixed-capacity buffer of the newest entries, ordered by `seq`. */
export interface RingBuffer {
  push(entry: Entry): void;
  /** Entries with `seq > after`, oldest first; `null` when some of them were already evicted. */
  since(after: number, latest: number): Entry[] | null;
  clear(): void;
}

/** Creates a ring buffer keeping the last `capacity` entries (0 keeps none). */
export function createRingBuffer(capacity: number): RingBuffer {
  let slots: Array<Entry | undefined> = new Array(capacity);
  let start = 0;
  let size = 0;
  return {
    push(entry) {
      if (capacity === 0) return;
      if (size < capacity) {
        slots[(start + size) % capacity] = entry;
        size++;
      } else {
        slots[start] = entry;
        start = (start + 1) % capacity;
      }
    },
    since(after, latest) {
      if (after >= latest) return [];
      const oldest = size === 0 ? latest + 1 : (slots[start] as Entry).seq;
      if (after < oldest - 1) return null;
      const out: Entry[] = [];
      for (let i = after - oldest + 1; i < size; i++) out.push(slots[(start + i) % capacity] as Entry);
      return out;
    },
    clear() {
      slots = new Array(capacity);
      start = 0;
      size = 0;
    },
  };
}
