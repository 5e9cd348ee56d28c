export interface LruListener {
  /** Called with the change in bytes and entries after every change, and with `evicted` when the budget pushed entries out. */
  (change: { bytes: number; entries: number; evicted: number }): void;
}

interface Slot<V> {
  value: V;
  bytes: number;
}

/**
 * A map bounded by the bytes of what it holds, not by a count: pages differ in
 * size by three orders of magnitude, so a count bounds nothing. The least
 * recently used entries go first (a Map iterates in insertion order, so moving
 * an entry to the end on every read keeps that order in O(1)).
 */
export class ByteBoundedLru<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private totalBytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly listener: LruListener = () => undefined,
  ) {}

  /** The value, now the most recently used. */
  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.value;
  }

  /** The value, without changing the eviction order. */
  peek(key: string): V | undefined {
    return this.slots.get(key)?.value;
  }

  /** False (and nothing stored) when the value alone is larger than the whole budget. */
  set(key: string, value: V, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    this.slots.set(key, { value, bytes });
    this.totalBytes += bytes;
    this.listener({ bytes, entries: 1, evicted: 0 });
    this.evictOverBudget();
    return true;
  }

  /** Accounts for an entry that grew after it was stored (a page parsed for signed-in readers). */
  grow(key: string, extraBytes: number): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    slot.bytes += extraBytes;
    this.totalBytes += extraBytes;
    this.listener({ bytes: extraBytes, entries: 0, evicted: 0 });
    this.evictOverBudget();
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.totalBytes -= slot.bytes;
    this.listener({ bytes: -slot.bytes, entries: -1, evicted: 0 });
  }

  clear(): void {
    if (this.slots.size === 0) return;
    this.listener({ bytes: -this.totalBytes, entries: -this.slots.size, evicted: 0 });
    this.slots.clear();
    this.totalBytes = 0;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.slots.size;
  }

  private evictOverBudget(): void {
    let evicted = 0;
    let freed = 0;
    for (const [key, slot] of this.slots) {
      if (this.totalBytes <= this.maxBytes) break;
      this.slots.delete(key);
      this.totalBytes -= slot.bytes;
      freed += slot.bytes;
      evicted += 1;
    }
    if (evicted > 0) this.listener({ bytes: -freed, entries: -evicted, evicted });
  }
}
