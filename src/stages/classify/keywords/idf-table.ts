// A read-only word → IDF table for jieba's 270k-word list, in one flat buffer. A Map of that size spreads its
// entries and key strings over ~20 MB, so each lookup misses the cache two or three times; here a word is found by
// a 64-bit hash of it in one or two adjacent 16-byte slots of an 8 MB table. Written by hand: no package offers a
// typed string-keyed table, and keyword extraction looks up every distinct word of every Chinese article.
import { hashString32 } from '../../../domain/hash32.js';

/** Bytes per slot: the word's two 32-bit hashes, then its IDF as a float64. */
const SLOT_BYTES = 16;

/** Seed of the second hash: with the default seed's, two 32-bit hashes make a word's 64-bit key. */
const SECOND_SEED = 0x9747b28c;

export class IdfTable {
  private readonly hashes: Int32Array;
  private readonly idfs: Float64Array;
  private readonly mask: number;
  /** Distinct words in the table. */
  size = 0;
  /** Median IDF of the table's words (10 when it is empty). */
  median = 10;

  /** From `word idf` lines (jieba's idf.txt format); a word listed twice keeps its last value. */
  static parse(text: string): IdfTable {
    const lines = text.split('\n');
    const table = new IdfTable(lines.length);
    for (const line of lines) {
      const sp = line.lastIndexOf(' ');
      if (sp > 0) table.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
    return table.sealed();
  }

  /** From word and IDF pairs; a word given twice keeps its last value. */
  static of(entries: ReadonlyArray<readonly [string, number]>): IdfTable {
    const table = new IdfTable(entries.length);
    for (const [word, idf] of entries) table.set(word, idf);
    return table.sealed();
  }

  private constructor(maxWords: number) {
    // At most 60% full: a miss, most words of an article, then probes 2-4 slots on average, four to a cache line.
    let capacity = 16;
    while (capacity * 0.6 < maxWords) capacity *= 2;
    const buffer = new ArrayBuffer(capacity * SLOT_BYTES);
    this.hashes = new Int32Array(buffer);
    this.idfs = new Float64Array(buffer);
    this.mask = capacity - 1;
  }

  /** The word's IDF, or undefined when it is not in the table (up to a 64-bit hash collision: ~1 in 10^13). */
  get(word: string): number | undefined {
    const s = this.slotOf(hashString32(word) | 0, hashString32(word, SECOND_SEED) | 1);
    return this.hashes[s * 4 + 1] === 0 ? undefined : this.idfs[s * 2 + 1];
  }

  private set(word: string, idf: number): void {
    const a = hashString32(word) | 0;
    const b = hashString32(word, SECOND_SEED) | 1;
    const s = this.slotOf(a, b);
    if (this.hashes[s * 4 + 1] === 0) this.size++;
    this.hashes[s * 4] = a;
    this.hashes[s * 4 + 1] = b;
    this.idfs[s * 2 + 1] = idf;
  }

  private sealed(): this {
    const values = new Float64Array(this.size);
    let n = 0;
    for (let s = 0; s <= this.mask; s++) if (this.hashes[s * 4 + 1] !== 0) values[n++] = this.idfs[s * 2 + 1]!;
    values.sort();
    if (n > 0) this.median = values[Math.floor(n / 2)]!;
    return this;
  }

  /** The slot of the word hashed to (a, b), or the empty slot where it would go; b is never 0 (empty). */
  private slotOf(a: number, b: number): number {
    const { hashes, mask } = this;
    for (let s = a & mask; ; s = (s + 1) & mask) {
      const h = hashes[s * 4 + 1]!;
      if (h === 0 || (h === b && hashes[s * 4] === a)) return s;
    }
  }
}
