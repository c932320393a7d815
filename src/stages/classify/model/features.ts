// Text → hashed sparse features: character n-grams over CJK text (Chinese has no spaces, and character
// bigrams carry most of its topic signal), word n-grams from the segmenter for every script.
import { countScripts } from '../lang/detect-language.js';
import { foldText } from '../text/fold.js';
import { jiebaWords, type Token, type Tokenizer } from '../text/tokenize.js';

export interface FeatureOptions {
  /** log2 of the hash space. */
  bits: number;
  /** Character n-gram sizes, e.g. [1, 2, 3], over the text `charScope` says. */
  charNgrams: number[];
  /**
   * Where character n-grams are taken: `text`, over the whole input when it is mostly CJK and over CJK runs
   * otherwise (the default); `cjk-runs`, over runs of CJK characters only (models trained before `text` existed).
   */
  charScope: 'text' | 'cjk-runs';
  /**
   * Character skip-bigrams where character n-grams are taken (the first and third character of each trigram):
   * they match a phrase whatever its middle character, which trigrams cannot.
   */
  charSkipBigrams: boolean;
  /** Word n-gram sizes, e.g. [1, 2]. */
  wordNgrams: number[];
  /** Characters of title + text used (the head of an article says what it is about). */
  maxChars: number;
  /**
   * The text's first and last word, and (where character n-grams are taken) its first and last character, each
   * marked as such: a headline's opening ("组图：") and close ("(图)", "？") set it apart from the same n-grams inside.
   */
  boundaries: boolean;
}

// Chosen by 5-fold cross-validation on 10,000 Chinese headlines (bench/classify.ts): n-grams over the whole text
// added 1.7 points over CJK runs only, as the digits, Latin letters, punctuation and spaces around Chinese are
// signal too ("A股", "3G", "(组图)", "：", a phrase's last character before a space); skip-bigrams added 0.2.
// Trigrams, word bigrams and a 2^20 hash space added nothing there (2^16 lost a point); boundaries added 0.2,
// and with 30 training passes instead of 10, 0.55 (mean over four seeds of folds and shuffling).
export const DEFAULT_FEATURES: FeatureOptions = {
  bits: 18,
  charNgrams: [1, 2],
  charScope: 'text',
  charSkipBigrams: true,
  wordNgrams: [1],
  maxChars: 600,
  boundaries: true,
};

/**
 * Sparse vector: parallel arrays of hashed feature ids and values (presence: 1), ids unique; `dense`, for a model
 * with word vectors, the text's mean word vector times the model's vector weight (see word-vectors.ts).
 */
export interface SparseVector {
  ids: Int32Array;
  values: Float32Array;
  dense?: Float32Array | undefined;
}

const SKIP_SEED = 50;
const BOUNDARY_SEED = 51;
const WORD_START_SEED = 200;
const WORD_END_SEED = 201;
/** Start- and end-of-text markers, paired with the first and last character in a hash namespace of their own. */
const START = '\u0002';
const END = '\u0003';

const HAN = /\p{Script=Han}/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

/** Whether CJK makes up at least 30% of the letters, as language detection counts them (emoji are not letters). */
function mostlyCjk(text: string): boolean {
  const c = countScripts(text);
  const cjk = c.han + c.kana + c.hangul;
  return cjk > 0 && cjk >= 0.3 * c.letters;
}

/**
 * Spans [start, end) of `folded` that character n-grams are taken from. Text without CJK has none: its words
 * carry it, at a fraction of the features. Under `text`, a text that is mostly CJK is taken whole; one that only
 * quotes some (a Chinese name in an English report) keeps to its CJK runs, so it stays like the texts around it.
 */
function charSpans(folded: string, scope: FeatureOptions['charScope']): Array<[number, number]> {
  if (scope === 'text' && mostlyCjk(folded)) return [[0, folded.length]];
  return Array.from(folded.matchAll(CJK), (m) => [m.index, m.index + m[0].length]);
}

/** FNV-1a over UTF-16 units [start, end) with a namespace seed: fast, no allocation, good spread for hashing. */
function hash(s: string, seed: number, start = 0, end = s.length): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** hash() of the two UTF-16 units a and b, without building the string. */
function hashPair(a: number, b: number, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  h = Math.imul(h ^ a, 0x01000193);
  h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

/**
 * Feature ids of the text being vectorised, repeats included, with a second array of the same size for the radix
 * sort; grown on demand and reused (vectorising never re-enters itself).
 */
let scratch = new Int32Array(4096);
let sortBuffer = new Int32Array(4096);

/** Digit counts of the radix sort, reused: up to 2^11 buckets. */
const radixCounts = new Int32Array(1 << 11);

/**
 * Sorts ids[0, n) ascending (ids below 2^bits) by LSD radix using `tmp`; returns the sorted array. Digits are as
 * wide as makes the fewest passes with at most 2^11 buckets (2 passes of 9 bits for 2^18 ids): each pass reads and
 * scatters every id, and a few thousand counts still sit in the first-level cache.
 */
function radixSort(ids: Int32Array, tmp: Int32Array, n: number, bits: number): Int32Array {
  const passes = Math.ceil(bits / 11);
  const width = Math.ceil(bits / passes);
  const buckets = 1 << width;
  const mask = buckets - 1;
  const counts = radixCounts;
  let from = ids;
  let to = tmp;
  for (let shift = 0; shift < bits; shift += width) {
    counts.fill(0, 0, buckets);
    for (let i = 0; i < n; i++) counts[(from[i]! >>> shift) & mask]!++;
    let sum = 0;
    for (let d = 0; d < buckets; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const v = from[i]!;
      to[counts[(v >>> shift) & mask]!++] = v;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  return from;
}

/** What a model reads of an article: folded title and text joined by a space, cut to `maxChars`. */
export function modelInput(foldedTitle: string, foldedText: string, options: FeatureOptions): string {
  const joined = foldedTitle && foldedText ? `${foldedTitle} ${foldedText}` : foldedTitle || foldedText;
  return joined.length > options.maxChars ? joined.slice(0, options.maxChars) : joined;
}

/** Folded title and text (trimmed or not), with jieba's words of each where the caller has segmented them. */
export interface FoldedInput {
  title: string;
  text: string;
  titleWords?: Token[] | null;
  textWords?: Token[] | null;
}

/**
 * Punctuation and spaces that end every run jieba segments on its own (its runs are Han, ASCII letters and digits
 * and a few symbols such as "." and "-"), so words before one of them do not depend on what follows.
 */
const RUN_END = new Set([...' ,:;!?()"\'。、“”‘’《》【】「」'].map((c) => c.charCodeAt(0)));

/**
 * The words of `joined`, modelInput(input.title.trim(), input.text.trim()), as the model's segmentation gives them,
 * taken from the fields' own jieba words instead of segmenting again: jieba segments each run of Han and word
 * characters on its own, so the input's words are its parts' words, except in the run that maxChars cuts through,
 * which is segmented anew. Null when the model would not give the input to jieba (no Han in it): it then segments
 * as usual.
 */
export function modelInputWords(input: FoldedInput, joined: string): string[] | null {
  if (!HAN.test(joined)) return null;
  const title = input.title.trim();
  const text = input.text.trim();
  const words: string[] = [];
  let offset = 0;
  for (const [part, whole, found] of [
    [title, input.title, input.titleWords],
    [text, input.text, input.textWords],
  ] as const) {
    if (!part) continue;
    if (offset >= joined.length) break;
    const visible = joined.length - offset < part.length ? part.slice(0, joined.length - offset) : part;
    if (!found) {
      for (const t of jiebaWords(visible)) words.push(t.text);
    } else {
      const lead = whole.length - whole.trimStart().length;
      // Words wholly before the last run end in view are the part's own; the rest is segmented as cut.
      let safe = visible.length;
      if (visible.length < part.length) {
        while (safe > 0 && !RUN_END.has(visible.charCodeAt(safe - 1))) safe--;
      }
      for (const t of found) {
        if (t.end - lead > safe) break;
        words.push(t.text);
      }
      if (safe < visible.length) for (const t of jiebaWords(visible.slice(safe))) words.push(t.text);
    }
    offset += part.length + 1;
  }
  return words;
}

/** modelInput from unfolded title and text, folding only about the part that will be read (folding shrinks). */
export function modelInputRaw(title: string, text: string, options: FeatureOptions): string {
  const limit = options.maxChars * 2;
  const cut = (s: string) => foldText(s.length > limit ? s.slice(0, limit) : s).text.trim();
  return modelInput(cut(title), cut(text), options);
}

/**
 * Hashed features of a model input (see modelInput). `names`, when given, receives the text of each feature
 * (the first n-gram or word that hashed to it), to explain a prediction.
 */
export function textFeatures(folded: string, segmenter: Tokenizer | string[], options: FeatureOptions, names?: Map<number, string>): SparseVector {
  const mask = (1 << options.bits) - 1;
  // Presence, not counts: in short texts a repeated n-gram adds little, and binarised Naive Bayes measured better.
  // Ids are sorted, then repeats dropped: the model reads its weight rows in address order, and sums them in a
  // fixed order whatever the text's order. (A table of ids seen, of 2^bits entries, costs cache misses instead.)
  let count = 0;
  const push = (id: number) => {
    if (count === scratch.length) {
      const grown = new Int32Array(scratch.length * 2);
      grown.set(scratch);
      scratch = grown;
      sortBuffer = new Int32Array(grown.length);
    }
    scratch[count++] = id;
  };
  const add = (key: string, seed: number, name = key) => {
    const id = hash(key, seed) & mask;
    push(id);
    if (names && !names.has(id)) names.set(id, name);
  };
  for (const [start, end] of charSpans(folded, options.charScope)) {
    if (options.boundaries && start === 0) {
      if (names) add(START + folded[0]!, BOUNDARY_SEED, `^${folded[0]}`);
      else push(hashPair(START.charCodeAt(0), folded.charCodeAt(0), BOUNDARY_SEED) & mask);
    }
    if (options.boundaries && end === folded.length) {
      if (names) add(folded[end - 1]! + END, BOUNDARY_SEED, `${folded[end - 1]}$`);
      else push(hashPair(folded.charCodeAt(end - 1), END.charCodeAt(0), BOUNDARY_SEED) & mask);
    }
    for (const n of options.charNgrams) {
      for (let i = start; i + n <= end; i++) {
        if (names) add(folded.slice(i, i + n), n);
        else push(hash(folded, n, i, i + n) & mask);
      }
    }
    if (options.charSkipBigrams) {
      for (let i = start; i + 3 <= end; i++) {
        if (names) add(folded[i]! + folded[i + 2]!, SKIP_SEED, `${folded[i]}…${folded[i + 2]}`);
        else push(hashPair(folded.charCodeAt(i), folded.charCodeAt(i + 2), SKIP_SEED) & mask);
      }
    }
  }
  if (options.wordNgrams.length) {
    const words = Array.isArray(segmenter) ? segmenter : segmenter.tokenize(folded).map((t) => t.text);
    if (options.boundaries && words.length) {
      // Each in a namespace of its own, so the word's text is hashed as it is.
      add(words[0]!, WORD_START_SEED, `^${words[0]}`);
      add(words[words.length - 1]!, WORD_END_SEED, `${words[words.length - 1]}$`);
    }
    for (const n of options.wordNgrams) {
      for (let i = 0; i + n <= words.length; i++) add(n === 1 ? words[i]! : words.slice(i, i + n).join(' '), 100 + n);
    }
  }
  const sorted = radixSort(scratch, sortBuffer, count, options.bits);
  let unique = 0;
  for (let i = 0; i < count; i++) if (unique === 0 || sorted[i] !== sorted[unique - 1]) sorted[unique++] = sorted[i]!;
  return { ids: sorted.slice(0, unique), values: new Float32Array(unique).fill(1) };
}
