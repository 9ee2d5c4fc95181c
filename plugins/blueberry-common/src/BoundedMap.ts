/**
 * A map holding at most `maxEntries` entries: setting one more forgets the least recently used
 * (read with `get` or written with `set`).
 *
 * @public
 */
export class BoundedMap<K, V> {
  readonly #maxEntries: number;
  readonly #entries = new Map<K, V>();

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `maxEntries must be a positive integer, not ${maxEntries}`,
      );
    }
    this.#maxEntries = maxEntries;
  }

  /** The value, which becomes the most recently used. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** The value, without changing the order: a look that is not a use. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** Whether the key is held, without changing the order. */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as K);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Entries from least to most recently used, without changing the order. */
  entries(): IterableIterator<[K, V]> {
    return this.#entries.entries();
  }

  /** Keys from least to most recently used. */
  keys(): IterableIterator<K> {
    return this.#entries.keys();
  }
}
