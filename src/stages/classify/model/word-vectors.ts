// Pretrained word vectors (word2vec, fastText, GloVe files) as a model input: the average vector of a text's words
// lets a model trained on a few thousand labels generalise from the words it saw to words of similar use it did not
// see (on 2,000 training headlines, 3 points of accuracy; see the classify README). Read here because it is a
// few lines over Node's Buffer; they ship inside the model file, so workers load nothing else.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../../../domain/errors.js';
import { foldText } from '../text/fold.js';

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
    return (this.hashed ??= createHash('sha256').update(this.words.join('\n')).update(this.data).update(new Uint8Array(this.scales.buffer)).digest('hex'));
  }

  /**
   * Writes the normalised mean of the unit vectors of `words` that have one into `out` (dims long) and returns
   * how many had one; `out` is left at zero when none had.
   */
  average(words: readonly string[], out: Float32Array): number {
    out.fill(0);
    const d = this.dims;
    let found = 0;
    for (const w of words) {
      const i = this.index.get(w);
      if (i === undefined) continue;
      found++;
      const scale = this.scales[i]!;
      const base = i * d;
      for (let k = 0; k < d; k++) out[k]! += this.data[base + k]! * scale;
    }
    let norm = 0;
    for (let k = 0; k < d; k++) norm += out[k]! * out[k]!;
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < d; k++) out[k]! *= inv;
    }
    return found;
  }

  /** The vector of one folded word, or null. */
  vector(word: string): Float32Array | null {
    const i = this.index.get(word);
    if (i === undefined) return null;
    const out = new Float32Array(this.dims);
    for (let k = 0; k < this.dims; k++) out[k] = this.data[i * this.dims + k]! * this.scales[i]!;
    return out;
  }

  /**
   * From words and their vectors in file order (most frequent first, as these files list them): each word is
   * folded as model input is (case, width, Traditional → Simplified), the first vector of a folded word is kept,
   * and words without a letter or ideograph, or with a zero vector, are left out.
   */
  static fromEntries(dims: number, entries: Iterable<[string, Float32Array]>): WordVectors {
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
      data: Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength).toString('base64'),
      scales: Buffer.from(this.scales.buffer, this.scales.byteOffset, this.scales.byteLength).toString('base64'),
    });
  }

  static decode(e: EncodedWordVectors): WordVectors {
    const words = e.words ? e.words.split('\n') : [];
    const dataBuf = Buffer.from(e.data, 'base64');
    const scalesBuf = Buffer.from(e.scales, 'base64');
    const data = new Int8Array(dataBuf.buffer.slice(dataBuf.byteOffset, dataBuf.byteOffset + dataBuf.byteLength));
    const scales = new Float32Array(scalesBuf.buffer.slice(scalesBuf.byteOffset, scalesBuf.byteOffset + scalesBuf.byteLength));
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

/**
 * Reads a word-vector file: word2vec binary (a "count dims" line, then each word, a space and dims little-endian
 * float32), or text as word2vec and fastText (.vec) write it (a "count dims" line, then "word v1 … vdims" lines)
 * or GloVe does (no header line). `limit` keeps the first words only (these files list the most frequent first).
 */
export function readWordVectors(file: string, limit = Infinity): WordVectors {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new InputError(`${file}: cannot read word vectors: ${(err as Error).message}`);
  }
  const firstEnd = buf.indexOf(10);
  const first = buf.subarray(0, firstEnd < 0 ? buf.length : firstEnd).toString('utf8').trim();
  const header = /^(\d+)\s+(\d+)$/.exec(first);
  try {
    if (header && isBinary(buf, firstEnd + 1, Number(header[2]))) {
      return WordVectors.fromEntries(Number(header[2]), binaryEntries(buf, firstEnd + 1, Number(header[1]), Number(header[2]), limit));
    }
    const start = header ? firstEnd + 1 : 0;
    const dims = header ? Number(header[2]) : first.split(/\s+/).length - 1;
    if (!(dims > 0)) throw new Error('no vectors on the first line');
    return WordVectors.fromEntries(dims, textEntries(buf, start, dims, limit));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file}: not a word2vec, fastText or GloVe vector file: ${(err as Error).message}`);
  }
}

/** Whether the first entry after the header is a word, a space and `dims` float32s rather than text numbers. */
function isBinary(buf: Buffer, at: number, dims: number): boolean {
  const space = buf.indexOf(32, at);
  if (space < 0) return false;
  const lineEnd = buf.indexOf(10, at);
  // Text has dims numbers separated by spaces on the line; binary bytes rarely form even one such line.
  if (lineEnd < 0) return true;
  const fields = buf.subarray(at, lineEnd).toString('latin1').trim().split(' ');
  return !(fields.length === dims + 1 && fields.slice(1).every((f) => NUMBER.test(f)));
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function* binaryEntries(buf: Buffer, at: number, count: number, dims: number, limit: number): Generator<[string, Float32Array]> {
  let pos = at;
  const n = Math.min(count, limit);
  for (let i = 0; i < n; i++) {
    // Some writers end each vector with a newline, which the next word must not keep.
    while (buf[pos] === 10 || buf[pos] === 32) pos++;
    const space = buf.indexOf(32, pos);
    if (space < 0 || space + 1 + 4 * dims > buf.length) throw new Error(`entry ${i + 1} of ${count} is cut short`);
    const word = buf.subarray(pos, space).toString('utf8');
    const v = new Float32Array(dims);
    for (let k = 0; k < dims; k++) v[k] = buf.readFloatLE(space + 1 + 4 * k);
    pos = space + 1 + 4 * dims;
    yield [word, v];
  }
}

function* textEntries(buf: Buffer, at: number, dims: number, limit: number): Generator<[string, Float32Array]> {
  let pos = at;
  let line = 0;
  let taken = 0;
  while (pos < buf.length && taken < limit) {
    let end = buf.indexOf(10, pos);
    if (end < 0) end = buf.length;
    const text = buf.subarray(pos, end).toString('utf8').trimEnd();
    pos = end + 1;
    line++;
    if (!text) continue;
    const fields = text.split(' ');
    if (fields.length !== dims + 1) throw new Error(`line ${line + (at > 0 ? 1 : 0)}: ${fields.length - 1} numbers, expected ${dims}`);
    const v = Float32Array.from(fields.slice(1), Number);
    taken++;
    yield [fields[0]!, v];
  }
}
