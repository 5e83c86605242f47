/**
 * Which unexpected member QEMU names first. QEMU collects an object's keys in a GLib hash
 * table, removes each member as it is visited, and reports the first key left when it
 * iterates the table. So the order is GLib's bucket order: emulated here (QDict's insertion
 * order, `g_str_hash`, GHashTable's quadratic probing, tombstones and resizes, as in GLib 2.74).
 * @module
 */

const encoder = new TextEncoder();

// GLib's prime moduli, indexed by the table's shift (log2 of its size): the largest prime below
// 2^shift, up to GLib's largest table (shift 31); objects of over ~98,000 keys need shift 18 and up.
const PRIME_MOD = [
  1, 2, 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071, 262139, 524287, 1048573, 2097143,
  4194301, 8388593, 16777213, 33554393, 67108859, 134217689, 268435399, 536870909, 1073741789, 2147483647,
];
const MIN_SHIFT = 3;
const UNUSED = 0;
const TOMBSTONE = 1;

/** QDict's bucket hash (`tdb_hash`), which decides the order keys reach the hash table. */
function qdictBucket(bytes: Uint8Array): number {
  let value = Math.imul(0x238f13af, bytes.length) >>> 0;
  bytes.forEach((byte, i) => (value = (value + ((byte << ((i * 5) % 24)) >>> 0)) >>> 0));
  return ((Math.imul(1103515243, value) + 12345) >>> 0) % 512;
}

/** GLib's `g_str_hash` (djb2 over *signed* chars), adjusted as GHashTable does (0 and 1 are reserved). */
function strHash(bytes: Uint8Array): number {
  let hash = 5381;
  for (const byte of bytes) hash = (Math.imul(hash, 33) + (byte > 127 ? byte - 256 : byte)) >>> 0;
  return hash < 2 ? 2 : hash;
}

class GlibHashSet {
  private shift = MIN_SHIFT;
  private size = 1 << MIN_SHIFT;
  private hashes: number[] = new Array<number>(this.size).fill(UNUSED);
  private keys: (string | undefined)[] = new Array<string | undefined>(this.size).fill(undefined);
  private nnodes = 0;
  private noccupied = 0;

  private index(hash: number): number {
    return (Math.imul(hash, 11) >>> 0) % (PRIME_MOD[this.shift] as number);
  }

  private lookup(key: string, hash: number): number {
    let index = this.index(hash);
    let step = 0;
    let tombstone = -1;
    for (let current = this.hashes[index] as number; current !== UNUSED; current = this.hashes[index] as number) {
      if (current === hash && this.keys[index] === key) return index;
      if (current === TOMBSTONE && tombstone < 0) tombstone = index;
      step++;
      index = (index + step) & (this.size - 1);
    }
    return tombstone >= 0 ? tombstone : index;
  }

  insert(key: string, hash: number): void {
    const index = this.lookup(key, hash);
    const old = this.hashes[index] as number;
    if (old >= 2) return;
    this.hashes[index] = hash;
    this.keys[index] = key;
    this.nnodes++;
    if (old === UNUSED) {
      this.noccupied++;
      this.maybeResize();
    }
  }

  remove(key: string, hash: number): void {
    const index = this.lookup(key, hash);
    if ((this.hashes[index] as number) < 2) return;
    this.hashes[index] = TOMBSTONE;
    this.keys[index] = undefined;
    this.nnodes--;
    this.maybeResize();
  }

  /** Keys in iteration order. */
  ordered(): string[] {
    return this.keys.filter((key, i): key is string => (this.hashes[i] as number) >= 2 && i < this.size);
  }

  private maybeResize(): void {
    const tooEmpty = this.size > this.nnodes * 4 && this.size > 1 << MIN_SHIFT;
    if (tooEmpty || this.size <= this.noccupied + Math.floor(this.noccupied / 16)) this.resize();
  }

  // GLib's in-place resize: entries are relocated in old index order, evicting as they go.
  private resize(): void {
    const oldSize = this.size;
    const wanted = Math.trunc(this.nnodes * 1.333);
    this.shift = Math.max(MIN_SHIFT, wanted === 0 ? 1 : 32 - Math.clz32(wanted));
    this.size = 1 << this.shift;
    const span = Math.max(oldSize, this.size);
    while (this.hashes.length < span) {
      this.hashes.push(UNUSED);
      this.keys.push(undefined);
    }
    const relocated = new Array<boolean>(span).fill(false);
    for (let i = 0; i < oldSize; i++) {
      let hash = this.hashes[i] as number;
      if (hash < 2) {
        this.hashes[i] = UNUSED;
        continue;
      }
      if (relocated[i]) continue;
      this.hashes[i] = UNUSED;
      let key = this.keys[i];
      this.keys[i] = undefined;
      for (;;) {
        let index = this.index(hash);
        for (let step = 1; relocated[index]; step++) index = (index + step) & (this.size - 1);
        relocated[index] = true;
        const replaced = this.hashes[index] as number;
        const replacedKey = this.keys[index];
        this.hashes[index] = hash;
        this.keys[index] = key;
        if (replaced < 2) break;
        hash = replaced;
        key = replacedKey;
      }
    }
    this.hashes.length = this.size;
    this.keys.length = this.size;
    this.noccupied = this.nnodes;
  }
}

/**
 * Orders the unexpected keys of one object the way QEMU meets them: `sent` are the keys
 * QEMU received in document order, `visited` the members QEMU consumed, in visit order.
 */
export function orderUnexpected(sent: readonly string[], visited: readonly string[], unexpected: readonly string[]): string[] {
  if (unexpected.length < 2) return [...unexpected];
  const bytes = new Map(sent.map((key) => [key, encoder.encode(key)]));
  // QDict: buckets in ascending order, the latest insertion first within a bucket.
  const qdictOrder = sent
    .map((key, position) => ({ key, position, bucket: qdictBucket(bytes.get(key) as Uint8Array) }))
    .sort((a, b) => a.bucket - b.bucket || b.position - a.position);
  const table = new GlibHashSet();
  for (const { key } of qdictOrder) table.insert(key, strHash(bytes.get(key) as Uint8Array));
  for (const key of visited) {
    const keyBytes = bytes.get(key);
    if (keyBytes !== undefined) table.remove(key, strHash(keyBytes));
  }
  const wanted = new Set(unexpected);
  return table.ordered().filter((key) => wanted.has(key));
}
