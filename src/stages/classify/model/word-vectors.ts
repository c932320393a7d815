// Pretrained word vectors (word2vec, fastText, GloVe files) as a model input: the average vector of a text's words
// lets a model trained on a few thousand labels generalise from the words it saw to words of similar use it did not
// see (on 2,000 training headlines, 3.4 points of accuracy; see the classify README). The formats are a header line
// and a word with its numbers per entry, so the reader is ours: it reads in chunks and stops at a word limit. The
// vectors ship inside the model file, so workers load nothing else.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../../../domain/errors.js';
import { foldText } from '../text/fold.js';
import { fromBase64, toBase64 } from './base64-arrays.js';

/** Unit-length vectors of folded words, quantised to 8 bits with a scale per word. */
export class WordVectors {
  private constructor(
    readonly dims: number,
    readonly words: string[],
    private readonly data: Int8Array,
    private readonly scales: Float32Array,
    private readonly index: Map<string, number>,
  ) {}

  get size(): number {
    return this.words.length;
  }

  private encoded: EncodedWordVectors | undefined;
  private hashed: string | undefined;

  /** A digest of the words and their vectors, for a model's version. */
  get digest(): string {
    return (this.hashed ??= createHash('sha256').update(this.words.join('\n')).update(this.data).update(new Uint8Array(this.scales.buffer, this.scales.byteOffset, this.scales.byteLength)).digest('hex'));
  }

  /**
   * Writes the normalised mean of the unit vectors of `words` into `out` (dims long) and returns how many words had
   * a vector; `out` is left at zero when none had. A Chinese word without a vector of its own (about a third of a
   * headline's words: names, new terms) takes the mean of its pieces' vectors (see pieces()).
   */
  average(words: readonly string[], out: Float32Array): number {
    out.fill(0);
    let found = 0;
    for (const w of words) if (this.add(w, out, 1)) found++;
    let norm = 0;
    for (let k = 0; k < this.dims; k++) norm += out[k]! * out[k]!;
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < this.dims; k++) out[k]! *= inv;
    }
    return found;
  }

  /** The vector `average` takes for one folded word (its own or its pieces' mean), or null. */
  vector(word: string): Float32Array | null {
    const out = new Float32Array(this.dims);
    return this.add(word, out, 1) ? out : null;
  }

  /** Adds `weight` × the word's vector to `out`; false when it has none. */
  private add(word: string, out: Float32Array, weight: number): boolean {
    const i = this.index.get(word);
    if (i !== undefined) {
      this.addRow(i, out, weight);
      return true;
    }
    const rows = this.pieces(word);
    for (const r of rows) this.addRow(r, out, weight / rows.length);
    return rows.length > 0;
  }

  private addRow(i: number, out: Float32Array, weight: number): void {
    const scale = this.scales[i]! * weight;
    const d = this.dims;
    const data = this.data;
    const base = i * d;
    for (let k = 0; k < d; k++) out[k]! += data[base + k]! * scale;
  }

  /**
   * Rows of the longest known pieces of a Chinese word of 2+ characters that has no vector, left to right (pieces
   * of up to 4 characters, else single characters; unknown characters are skipped): 湖人队 → 湖人 + 队. Other
   * unknown words have none. Measured on the development set (bench/classify.ts): 83.72% against 82.84% without
   * backing off, training on 2,000 headlines; 87.02% against 86.73% on 8,000; single characters only: 83.60%, 87.04%.
   */
  private pieces(word: string): number[] {
    if (word.length < 2 || !HAN.test(word)) return [];
    const rows: number[] = [];
    for (let at = 0; at < word.length; ) {
      let len = Math.min(MAX_PIECE, word.length - 1, word.length - at);
      while (len > 1 && !this.index.has(word.slice(at, at + len))) len--;
      const row = this.index.get(word.slice(at, at + len));
      if (row !== undefined) rows.push(row);
      at += len;
    }
    return rows;
  }

  /**
   * From words and their vectors in file order (most frequent first, as these files list them): each word is
   * folded as model input is (case, width, Traditional → Simplified), the first vector of a folded word is kept,
   * and words without a letter or ideograph, or with a zero vector, are left out. Reading stops once `limit` words
   * are kept (entries are asked for lazily, so a file is read only that far).
   */
  static fromEntries(dims: number, entries: Iterable<[string, Float32Array]>, limit = Infinity): WordVectors {
    const words: string[] = [];
    const index = new Map<string, number>();
    const chunks: Int8Array[] = [];
    const scales: number[] = [];
    for (const [raw, v] of entries) {
      const word = foldText(raw).text.trim();
      if (!word || index.has(word) || !LETTER.test(word)) continue;
      let norm = 0;
      for (let k = 0; k < dims; k++) norm += v[k]! * v[k]!;
      if (!(norm > 0) || !Number.isFinite(norm)) continue;
      norm = Math.sqrt(norm);
      let max = 0;
      for (let k = 0; k < dims; k++) max = Math.max(max, Math.abs(v[k]! / norm));
      const q = new Int8Array(dims);
      for (let k = 0; k < dims; k++) q[k] = Math.round(((v[k]! / norm) * 127) / max);
      index.set(word, words.length);
      words.push(word);
      chunks.push(q);
      scales.push(max / 127);
      // Here rather than at the top of the loop, which would read one entry more.
      if (words.length >= limit) break;
    }
    const data = new Int8Array(words.length * dims);
    chunks.forEach((q, i) => data.set(q, i * dims));
    return new WordVectors(dims, words, data, Float32Array.from(scales), index);
  }

  /** As a model file stores them. */
  encode(): EncodedWordVectors {
    return (this.encoded ??= {
      dims: this.dims,
      words: this.words.join('\n'),
      data: toBase64(this.data),
      scales: toBase64(this.scales),
    });
  }

  static decode(e: EncodedWordVectors): WordVectors {
    const words = e.words ? e.words.split('\n') : [];
    const data = fromBase64(e.data, (b) => new Int8Array(b));
    const scales = fromBase64(e.scales, (b) => new Float32Array(b));
    if (data.length !== words.length * e.dims || scales.length !== words.length) throw new InputError('model word vectors do not match their words');
    return new WordVectors(e.dims, words, data, scales, new Map(words.map((w, i) => [w, i])));
  }
}

export interface EncodedWordVectors {
  dims: number;
  /** Folded words joined by newlines. */
  words: string;
  /** words × dims, base64 Int8Array. */
  data: string;
  /** One per word, base64 Float32Array: a component is data × scale. */
  scales: string;
}

const LETTER = /[\p{L}\p{N}]/u;
const HAN = /\p{Script=Han}/u;
/** The longest piece an unknown Chinese word is split into (a four-character idiom or name). */
const MAX_PIECE = 4;

/**
 * Words kept from a vector file unless told otherwise: these files list the most frequent first, and 200,000
 * words cover a news text's vocabulary (a model file grows by dims + 4 bytes per word, before base64).
 */
export const DEFAULT_VECTOR_LIMIT = 200_000;

/**
 * Reads a word-vector file: word2vec binary (a "count dims" line, then each word, a space and dims little-endian
 * float32), or text as word2vec and fastText (.vec) write it (a "count dims" line, then "word v1 … vdims" lines)
 * or GloVe does (no header line). Reading stops at the `limit`th word kept (after folding; see fromEntries), so a
 * file of millions of words (gigabytes) is read only as far as needed, in chunks.
 */
export function readWordVectors(file: string, limit = DEFAULT_VECTOR_LIMIT): WordVectors {
  let reader: ChunkReader;
  try {
    reader = new ChunkReader(file);
  } catch (err) {
    throw new InputError(`${file}: cannot read word vectors: ${(err as Error).message}`);
  }
  try {
    const first = reader.peekLine();
    if (first === null) throw new Error('the file is empty');
    const header = /^(\d+)\s+(\d+)$/.exec(first.trim());
    if (header) {
      reader.line();
      const [count, dims] = [Number(header[1]), Number(header[2])];
      if (!(dims > 0)) throw new Error(`a vector of ${dims} dimensions`);
      const entries = isBinary(reader.peekLine(), dims) ? binaryEntries(reader, count, dims) : textEntries(reader, dims, 2);
      return WordVectors.fromEntries(dims, entries, limit);
    }
    const dims = first.trim().split(/\s+/).length - 1;
    if (!(dims > 0)) throw new Error('no numbers on the first line');
    return WordVectors.fromEntries(dims, textEntries(reader, dims, 1), limit);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file}: not a word2vec, fastText or GloVe vector file: ${(err as Error).message}`);
  } finally {
    reader.close();
  }
}

/**
 * Whether the first entry after the header is a word, a space and dims float32s rather than a line of text
 * numbers (binary bytes rarely form even one such line).
 */
function isBinary(line: string | null, dims: number): boolean {
  if (line === null) return false;
  const fields = line.trim().split(' ');
  return !(fields.length === dims + 1 && fields.slice(1).every((f) => NUMBER.test(f)));
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function* binaryEntries(reader: ChunkReader, count: number, dims: number): Generator<[string, Float32Array]> {
  for (let i = 0; i < count; i++) {
    // Some writers end each vector with a newline, which the next word must not keep.
    reader.skip((b) => b === 10 || b === 32);
    const word = reader.until(32, 1000);
    const bytes = word === null ? null : reader.take(4 * dims);
    if (word === null || bytes === null) throw new Error(`entry ${i + 1} of ${count} is cut short`);
    const v = new Float32Array(dims);
    for (let k = 0; k < dims; k++) v[k] = bytes.readFloatLE(4 * k);
    yield [word.toString('utf8'), v];
  }
}

function* textEntries(reader: ChunkReader, dims: number, firstLine: number): Generator<[string, Float32Array]> {
  for (let number = firstLine; ; number++) {
    const line = reader.line();
    if (line === null) return;
    const text = line.trimEnd();
    if (!text) continue;
    const fields = text.split(' ');
    if (fields.length !== dims + 1) throw new Error(`line ${number}: ${fields.length - 1} numbers, expected ${dims}`);
    yield [fields[0]!, Float32Array.from(fields.slice(1), Number)];
  }
}

/** Reads a file front to back in 1 MB chunks: lines, runs up to a byte, and byte counts. */
class ChunkReader {
  private readonly fd: number;
  private buf = Buffer.alloc(0);
  private pos = 0;
  private eof = false;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Makes at least `n` unread bytes available if the file has them; false when it has not. */
  private fill(n: number): boolean {
    while (this.buf.length - this.pos < n && !this.eof) {
      const chunk = Buffer.alloc(Math.max(1 << 20, n));
      const read = readSync(this.fd, chunk, 0, chunk.length, null);
      if (read === 0) this.eof = true;
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk.subarray(0, read)]);
      this.pos = 0;
    }
    return this.buf.length - this.pos >= n;
  }

  /** Unread bytes up to (not including) `byte`, which is consumed; null at the end of the file or past `max`. */
  until(byte: number, max = Infinity): Buffer | null {
    // Bytes after pos already searched; fill() keeps the unread bytes in order, so the count stays valid.
    let searched = 0;
    for (;;) {
      const at = this.buf.indexOf(byte, this.pos + searched);
      if (at >= 0) {
        if (at - this.pos > max) return null;
        const out = this.buf.subarray(this.pos, at);
        this.pos = at + 1;
        return out;
      }
      searched = this.buf.length - this.pos;
      if (searched > max || !this.fill(searched + 1)) return null;
    }
  }

  /** The next line without its newline (the last may have none), or null at the end of the file. */
  line(): string | null {
    const got = this.until(10);
    if (got !== null) return got.toString('utf8');
    if (this.pos >= this.buf.length) return null;
    const rest = this.buf.subarray(this.pos).toString('utf8');
    this.pos = this.buf.length;
    return rest;
  }

  /** The next line, left unread. */
  peekLine(): string | null {
    const [buf, pos] = [this.buf, this.pos];
    const line = this.line();
    // line() moves pos only once it has the line; a refill before that put the unread bytes at the front.
    this.pos = this.buf === buf ? pos : 0;
    return line;
  }

  take(n: number): Buffer | null {
    if (!this.fill(n)) return null;
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(test: (byte: number) => boolean): void {
    for (;;) {
      if (!this.fill(1)) return;
      if (!test(this.buf[this.pos]!)) return;
      this.pos++;
    }
  }
}
