// Top keywords of an article by TF-IDF. Document frequencies come from a running table of the articles this
// classifier has seen; until it has seen enough, Chinese words fall back to jieba's shipped IDF table, and the
// stop-word lists of stopwords-iso keep function words out.
import { idf as jiebaIdf } from '@node-rs/jieba/dict.js';
import { createRequire } from 'node:module';
import type { Token } from '../text/tokenize.js';
import { toOriginalRange, type FoldedText } from '../text/fold.js';
import { hashString32 } from '../../../domain/hash32.js';
import { IdfTable } from './idf-table.js';

let priorIdf: IdfTable | undefined;
/** jieba's IDF table, read on first use (a sixth of a second). */
function prior(): IdfTable {
  return (priorIdf ??= IdfTable.parse(Buffer.from(jiebaIdf).toString('utf8')));
}

/** A little under the median of jieba's IDF table (12.0): a word of unknown frequency counts as fairly rare. */
const NON_CHINESE_IDF = 10.8;

const stopwords = new Set<string>(Object.values(createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>).flat());
const HAN = /\p{Script=Han}/u;
/** HAN.test(word) without the regex for the common cases: nothing below U+2E80 is Han, U+4E00–U+9FFF all is. */
function hasHan(word: string): boolean {
  let other = false;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code >= 0x4e00 && code <= 0x9fff) return true;
    if (code >= 0x2e80) other = true;
  }
  return other && HAN.test(word);
}
const NUMERIC = /^[\p{N}.,%]+$/u;
/** Codes and measures rather than words: a hash or id (12+ hex digits), a number with a unit (44c, 10km, 5mm). */
const CODE = /^(?=[a-f]*\d)[\da-f]{12,}$|^\d[\d.,]*[a-z]{1,2}$/;
/** Longer than any word: a token cut from a run of letters, a base64 blob. */
const MAX_WORD = 40;
/** A word starting in U+4E00–U+9FFF, all letters (Lo), cannot be NUMERIC: most Chinese words skip the regex. */
const startsWithIdeograph = (w: string) => w.charCodeAt(0) >= 0x4e00 && w.charCodeAt(0) <= 0x9fff;

/** Term counts of the article being judged, by first-seen order; reused (extraction never re-enters itself). */
let counts = new Int32Array(4096);
/** Open-addressing table of the article's words: 1 + the word's index in first-seen order, or 0 when empty. */
let slots = new Int32Array(8192);
/** The slot of each word, to empty just those afterwards: one long article must not make every later clear long. */
let slotOfWord = new Int32Array(4096);
/**
 * Each word's occurrences as a chain: the first and last token of the word (by index into title then text tokens),
 * and per token the next token of the same word, or -1. Only the few reported words walk their chain.
 */
let firstToken = new Int32Array(4096);
let lastToken = new Int32Array(4096);
let nextToken = new Int32Array(4096);
/** Largest tables kept between articles; those grown for a huge article are let go once it is done. */
const RETAINED_SLOTS = 1 << 16;

function releaseOversized(): void {
  if (slots.length <= RETAINED_SLOTS) return;
  counts = new Int32Array(4096);
  slots = new Int32Array(8192);
  slotOfWord = new Int32Array(4096);
  firstToken = new Int32Array(4096);
  lastToken = new Int32Array(4096);
  nextToken = new Int32Array(4096);
}

/**
 * Fills `words` with the distinct words of two or more characters, in first-seen order, and returns their weighted
 * counts (valid for the first words.length entries, until the next call). Hand-rolled rather than a Map: a Map
 * hashes and compares each fresh string of the segmenter's through generic paths, twice for a repeated word; here
 * it is one hash and one compare.
 */
function countWords(a: Token[], weightA: number, b: Token[], weightB: number, words: string[]): Int32Array {
  const total = a.length + b.length;
  if (counts.length < total) {
    counts = new Int32Array(2 * total);
    slotOfWord = new Int32Array(2 * total);
    firstToken = new Int32Array(2 * total);
    lastToken = new Int32Array(2 * total);
    nextToken = new Int32Array(2 * total);
  }
  if (slots.length < 2 * total) slots = new Int32Array(1 << Math.ceil(Math.log2(4 * total)));
  const table = slots;
  const mask = table.length - 1;
  let index = 0;
  for (const [tokens, weight] of [[a, weightA], [b, weightB]] as const) {
    for (let i = 0; i < tokens.length; i++, index++) {
      const w = tokens[i]!.text;
      if (w.length < 2) continue;
      nextToken[index] = -1;
      let s = hashString32(w) & mask;
      for (let probes = 0; ; probes++) {
        // Cannot happen while the table is cleared after each article; a failure beats an endless loop.
        if (probes > mask) throw new Error('keyword counting table is full');
        const at = table[s]!;
        if (at === 0) {
          table[s] = words.length + 1;
          slotOfWord[words.length] = s;
          counts[words.length] = weight;
          firstToken[words.length] = lastToken[words.length] = index;
          words.push(w);
          break;
        }
        if (words[at - 1] === w) {
          counts[at - 1]! += weight;
          nextToken[lastToken[at - 1]!] = index;
          lastToken[at - 1] = index;
          break;
        }
        s = (s + 1) & mask;
      }
    }
  }
  for (let i = 0; i < words.length; i++) table[slotOfWord[i]!] = 0;
  return counts;
}

export interface KeywordOptions {
  maxKeywords: number;
  /** Learn document frequencies from the articles seen (bounded table); off keeps results independent of order. */
  learn: boolean;
  /** Most distinct terms the running table keeps; the rarest are pruned beyond it. */
  maxTerms?: number;
}

/**
 * Whether (score, index) ranks before an entry: higher score first, then the word seen first (title, then the lede):
 * words of one frequency tie while the running table has no data, and code-unit order put digits and "a…" first.
 */
function before(score: number, index: number, [, otherScore, otherIndex]: Ranked): boolean {
  return score > otherScore || (score === otherScore && index < otherIndex);
}
/** A candidate keyword: the folded word, its score and its index in first-seen order. */
type Ranked = [word: string, score: number, index: number];

/** Where keywords are shown from: each field's folded text with its map back to the original. */
export interface KeywordSources {
  title: FoldedText;
  text: FoldedText;
}

const OPENING_MARKS = new Set([...` \t\u00a0"'“‘«([`]);
const CLOSING_MARKS = new Set([...`"'”’»)]`]);
const SENTENCE_ENDS = new Set([...'.!?:。！？：']);

/**
 * Whether the word at `start` opens a sentence, a line or the text, where a capital letter says nothing about how
 * the word is spelt. Looks back over at most a few marks, so that no run of spaces makes it slow.
 */
function opensSentence(text: string, start: number): boolean {
  let i = start - 1;
  const stop = Math.max(-1, start - 16);
  while (i > stop && OPENING_MARKS.has(text[i]!)) i--;
  if (i < 0 || text[i] === '\n' || text[i] === '\r') return true;
  while (i > stop && CLOSING_MARKS.has(text[i]!)) i--;
  return i < 0 || SENTENCE_ENDS.has(text[i]!);
}

/**
 * The spelling a word most often has in the original text (the first seen of equally frequent ones): matching folds
 * case, width and Traditional characters, but a reader expects "Washington" and, in a Traditional article, 臺灣.
 * A capitalised spelling at the start of a sentence, or in a title (often Title Case), counts for less than one
 * inside a sentence, so "Analysts said…" does not outvote a later "analysts"; a word seen only there keeps its capital.
 */
function surfaceOf(word: number, titleTokens: Token[], textTokens: Token[], sources: KeywordSources): string {
  let best = '';
  let bestCount = 0;
  const seen = new Map<string, number>();
  for (let i = firstToken[word]!; i >= 0; i = nextToken[i]!) {
    const [tokens, folded, at] = i < titleTokens.length ? [titleTokens, sources.title, i] : [textTokens, sources.text, i - titleTokens.length];
    const t = tokens[at]!;
    const { start, end } = toOriginalRange(folded, t.start, t.end);
    const spelling = folded.original.slice(start, end);
    const cased = spelling !== spelling.toLowerCase();
    const weight = cased && (folded === sources.title || opensSentence(folded.original, start)) ? 0.5 : 1;
    const n = (seen.get(spelling) ?? 0) + weight;
    seen.set(spelling, n);
    if (n > bestCount) {
      best = spelling;
      bestCount = n;
    }
  }
  return best;
}

export class KeywordExtractor {
  private readonly df = new Map<string, number>();
  private docs = 0;
  constructor(private readonly options: KeywordOptions) {}

  private idf(term: string, han: boolean): number {
    // The running table speaks once it has seen a few hundred articles; before that the prior does.
    if (this.docs >= 200) return Math.log((this.docs + 1) / ((this.df.get(term) ?? 0) + 1)) + 1;
    // jieba's table covers Chinese words only; other words share one value until the running table speaks.
    if (!han) return NON_CHINESE_IDF;
    const table = prior();
    // Unknown to the table: rarer than most words, so about the median.
    return table.get(term) ?? table.median;
  }

  /**
   * The article's top keywords, best first. Words are counted folded (case, width, Traditional → Simplified); with
   * `sources`, each is reported in its most frequent spelling in the original text, else in its folded form.
   */
  extract(titleTokens: Token[], textTokens: Token[], sources?: KeywordSources): string[] {
    // Count every token first and judge each distinct word once: a text repeats its words. Single characters are
    // never keywords; counting is most of extraction's time.
    const words: string[] = [];
    const tf = countWords(titleTokens, 3, textTokens, 1, words);
    // Only the best few are wanted: kept in order as they come, rather than sorting every word.
    const max = this.options.maxKeywords;
    const top: Ranked[] = [];
    const kept: string[] | null = this.options.learn ? [] : null;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const f = tf[i]!;
      const han = hasHan(w);
      if (w.length < (han ? 2 : 3) || stopwords.has(w) || (!startsWithIdeograph(w) && (NUMERIC.test(w) || w.length > MAX_WORD || CODE.test(w)))) continue;
      kept?.push(w);
      if (max <= 0) continue;
      const score = (1 + Math.log(f)) * this.idf(w, han);
      if (top.length === max && !before(score, i, top[max - 1]!)) continue;
      let at = top.length === max ? max - 1 : top.length;
      while (at > 0 && before(score, i, top[at - 1]!)) {
        top[at] = top[at - 1]!;
        at--;
      }
      top[at] = [w, score, i];
    }
    if (kept) this.learn(kept);
    const out = top.map(([w, , i]) => (sources ? surfaceOf(i, titleTokens, textTokens, sources) || w : w));
    releaseOversized();
    return out;
  }

  private learn(terms: Iterable<string>): void {
    this.docs++;
    for (const t of terms) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    const max = this.options.maxTerms ?? 200_000;
    if (this.df.size > max) {
      // Drop terms seen once: the long tail that carries little IDF information.
      for (const [t, n] of this.df) if (n <= 1) this.df.delete(t);
    }
  }
}
