/**
 * Ids of finished jobs, oldest first, capped at `keep`: adding one past the cap returns the
 * oldest id, which the caller forgets (so its `jobId` de-duplicates no more). A plain array
 * with a moving start, compacted now and then: no Set or per-id allocation on the hot path.
 */
export class RecentIds {
  #ids: string[] = [];
  #from = 0;

  constructor(readonly keep: number) {}

  /** Remembers `id`; returns the id that fell out, if any. */
  push(id: string): string | undefined {
    const ids = this.#ids;
    ids.push(id);
    if (ids.length - this.#from <= this.keep) return undefined;
    const dropped = ids[this.#from++];
    if (this.#from > 1024 && this.#from * 2 > ids.length) {
      this.#ids = ids.slice(this.#from);
      this.#from = 0;
    }
    return dropped;
  }

  get size(): number {
    return this.#ids.length - this.#from;
  }
}

/**
 * Sets `key` in an insertion-ordered map capped at `keep` entries, dropping the oldest first;
 * calls `dropped` with each key that fell out.
 */
export function keepNewest<K, V>(map: Map<K, V>, key: K, value: V, keep: number, dropped?: (key: K) => void): void {
  map.set(key, value);
  while (map.size > keep) {
    const oldest = map.keys().next().value as K;
    map.delete(oldest);
    dropped?.(oldest);
  }
}

/** Adds `id` to an insertion-ordered set capped at `keep`, dropping the oldest first. */
export function keepNewestId(set: Set<string>, id: string, keep: number, dropped: (id: string) => void): void {
  set.add(id);
  while (set.size > keep) {
    const oldest = set.values().next().value as string;
    set.delete(oldest);
    dropped(oldest);
  }
}
