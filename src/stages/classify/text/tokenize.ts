// Words of a folded text with their offsets: jieba for Chinese (it keeps domain terms whole, where
// Intl.Segmenter splits many of them into characters: see bench/classify.ts), Intl.Segmenter for Japanese,
// letters-and-digits runs for space-delimited scripts.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { AhoCorasick } from '../match/aho-corasick.js';

export interface Token {
  text: string;
  start: number;
  end: number;
}

const HAN = /\p{Script=Han}/u;
const WORDLIKE = /[\p{L}\p{N}]/u;
/** A piece starting with a letter or mark; a piece ending with a letter (jieba cuts nestlé as nestl|é). */
const LETTER = /^[\p{L}\p{M}]/u;
const LETTER_END = /\p{L}$/u;
// Bounded: the regexp engine's stack grows with a run's length, and a run of millions of letters overflowed it. No
// word is that long; a longer run comes out in pieces of 256.
const WORD_RUN = /[\p{L}\p{M}\p{N}]{1,256}(?:['’]\p{L}{1,256})?/gu;
// One segmenter per process, with the plain dictionary, whatever the rules: models need segmentation that does not
// change with the rules, and a dictionary costs ~0.3 s and ~36 MB, so classifiers and models share it.
let jieba: Jieba | undefined;
let japanese: Intl.Segmenter | undefined;

/**
 * Chinese user words (rule terms, aliases, a user dictionary) are kept whole where the plain segmentation has a
 * word boundary at both of their ends: 行动|峰会 becomes 行动峰会, but 台海 in 平台|海外 is no word there. Merging
 * after the fact, rather than loading the words into jieba, keeps one dictionary per process and the model's
 * segmentation independent of the rules.
 */
export class Tokenizer {
  private readonly userWords: AhoCorasick | null = null;

  /** `userWords`: terms to keep whole (rule terms, aliases, a user dictionary); only Chinese ones matter. */
  constructor(userWords: Iterable<string> = []) {
    const words = [...new Set([...userWords].filter(isKeptWhole))];
    if (words.length === 0) return;
    const automaton = new AhoCorasick();
    for (const w of words) automaton.add(w);
    this.userWords = automaton.build();
  }

  tokenize(text: string, lang?: string): Token[] {
    return this.segment(text, lang).words;
  }

  /**
   * The words, and jieba's own words before user words were merged (null when the text was not given to jieba).
   * `found`, when the caller has already searched the text for the user words, holds their [start, end) pairs.
   */
  segment(text: string, lang?: string, found?: readonly number[]): { words: Token[]; jieba: Token[] | null } {
    if (lang === 'ja') return { words: segmentJapanese(text), jieba: null };
    if (HAN.test(text)) {
      const plain = jiebaWords(text);
      const spans = found ?? (this.userWords ? occurrences(text, this.userWords) : null);
      return { words: spans?.length ? keepWhole(plain, text, spans) : plain, jieba: plain };
    }
    const out: Token[] = [];
    for (const m of text.matchAll(WORD_RUN)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
    return { words: out, jieba: null };
  }
}

/** Whether a user word is one the segmenter keeps whole: Chinese, without spaces (others are not jieba's to cut). */
export function isKeptWhole(word: string): boolean {
  return HAN.test(word) && !/\s/.test(word);
}

/**
 * jieba's words of a text with their offsets, with the plain dictionary; punctuation and spaces are left out. Words
 * of other scripts that jieba cuts apart are joined again as a text without Chinese has them (china's, nestlé:
 * jieba gives china|s and nestl|é), so one Chinese name in brackets does not change an English text's words.
 */
export function jiebaWords(text: string): Token[] {
  jieba ??= Jieba.withDict(dict);
  const out: Token[] = [];
  let pos = 0;
  // Where an apostrophe right after a word of another script ends (the word may go on after it), else -1.
  let apostropheEnd = -1;
  for (const piece of jieba.cut(text, true)) {
    const at = text.startsWith(piece, pos) ? pos : text.indexOf(piece, pos);
    if (at < 0) continue;
    pos = at + piece.length;
    const first = piece.charCodeAt(0);
    // Han ideographs are words; anything else is checked (punctuation and spaces are not).
    if (first >= 0x4e00 && first <= 0x9fff) {
      out.push({ text: piece, start: at, end: pos });
    } else if (WORDLIKE.test(piece) && piece.trim() === piece) {
      const last = out[out.length - 1];
      const inWord = last?.end === at && LETTER_END.test(last.text) && LETTER.test(piece);
      const joins = last && !HAN.test(piece) && !HAN.test(last.text) && (inWord || (apostropheEnd === at && LETTER.test(piece)));
      if (joins) out[out.length - 1] = { text: text.slice(last.start, pos), start: last.start, end: pos };
      else out.push({ text: piece, start: at, end: pos });
    }
    const last = out[out.length - 1];
    apostropheEnd = (piece === "'" || piece === '’') && last?.end === at && !HAN.test(last.text) ? pos : -1;
  }
  return out;
}

/**
 * Per text offset, 1 + the index of the token that starts (ends) there, else 0; reused across calls and cleared
 * after each, as only the tokens' own offsets are ever set.
 */
let tokenStartingAt = new Int32Array(4096);
let tokenEndingAt = new Int32Array(4096);
/** Longest offset tables kept between calls: one huge article must not hold its tables for the process's life. */
const RETAINED_OFFSETS = 1 << 16;

/**
 * Tokens with each occurrence of a user word that starts and ends on token boundaries merged into one token (a word
 * cutting through a token is no word there). Occurrences are taken leftmost first, the longest that fits at a
 * position, and never overlap.
 */
function keepWhole(tokens: Token[], text: string, spans: readonly number[]): Token[] {
  if (tokenStartingAt.length <= text.length) {
    tokenStartingAt = new Int32Array(2 * text.length + 1);
    tokenEndingAt = new Int32Array(2 * text.length + 1);
  }
  const starting = tokenStartingAt;
  const ending = tokenEndingAt;
  for (let i = 0; i < tokens.length; i++) {
    starting[tokens[i]!.start] = i + 1;
    ending[tokens[i]!.end] = i + 1;
  }
  // Per token, the last token of the longest word that starts with it, or -1.
  let lastOfWord: Int32Array | null = null;
  for (let k = 0; k < spans.length; k += 2) {
    const first = starting[spans[k]!]! - 1;
    const last = ending[spans[k + 1]!]! - 1;
    if (first < 0 || last <= first) continue;
    lastOfWord ??= new Int32Array(tokens.length).fill(-1);
    if (last > lastOfWord[first]!) lastOfWord[first] = last;
  }
  for (const t of tokens) {
    starting[t.start] = 0;
    ending[t.end] = 0;
  }
  if (starting.length > RETAINED_OFFSETS) {
    tokenStartingAt = new Int32Array(4096);
    tokenEndingAt = new Int32Array(4096);
  }
  if (!lastOfWord) return tokens;
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const last = lastOfWord[i]!;
    if (last < 0) {
      out.push(t);
      continue;
    }
    out.push({ text: text.slice(t.start, tokens[last]!.end), start: t.start, end: tokens[last]!.end });
    i = last;
  }
  return out;
}

/** [start, end) pairs of every occurrence of the words in a text, flat. */
function occurrences(text: string, words: AhoCorasick): number[] {
  const spans: number[] = [];
  words.search(text, (_id, start, end) => spans.push(start, end));
  return spans;
}

function segmentJapanese(text: string): Token[] {
  japanese ??= new Intl.Segmenter('ja', { granularity: 'word' });
  const out: Token[] = [];
  for (const s of japanese.segment(text)) if (s.isWordLike) out.push({ text: s.segment, start: s.index, end: s.index + s.segment.length });
  return out;
}
