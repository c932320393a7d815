// Words of a folded text with their offsets: jieba for Chinese (it keeps domain terms whole and takes a user
// dictionary, where Intl.Segmenter splits many of them into characters: see bench/classify.ts), Intl.Segmenter
// for Japanese, letters-and-digits runs for space-delimited scripts.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

export interface Token {
  text: string;
  start: number;
  end: number;
}

const HAN = /\p{Script=Han}/u;
const WORDLIKE = /[\p{L}\p{N}]/u;
const WORD_RUN = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}]+)?/gu;
// Two segmenters per process: the plain dictionary (models need segmentation that does not change with the
// rules), and one that accumulates every user word given to any tokenizer (loading a dictionary costs ~0.3 s
// and tens of MB, so classifiers built with different rules share it).
let plainJieba: Jieba | undefined;
let userJieba: Jieba | undefined;
const userWordsLoaded = new Set<string>();
let japanese: Intl.Segmenter | undefined;

/** Frequency given to user words: high enough that jieba keeps them whole against its own splits. */
const USER_WORD_FREQ = 5_000;

export class Tokenizer {
  private readonly jieba: Jieba;

  /** `userWords`: terms to keep whole (rule terms, aliases, a user dictionary); only Chinese ones matter. */
  constructor(userWords: Iterable<string> = []) {
    const words = [...new Set([...userWords].filter((w) => HAN.test(w) && !/\s/.test(w)))];
    if (words.length === 0) {
      this.jieba = plainJieba ??= Jieba.withDict(dict);
      return;
    }
    userJieba ??= Jieba.withDict(dict);
    const fresh = words.filter((w) => !userWordsLoaded.has(w));
    if (fresh.length) {
      userJieba.loadDict(Buffer.from(fresh.map((w) => `${w} ${USER_WORD_FREQ} n`).join('\n') + '\n'));
      for (const w of fresh) userWordsLoaded.add(w);
    }
    this.jieba = userJieba;
  }

  tokenize(text: string, lang?: string): Token[] {
    if (lang === 'ja') return segmentJapanese(text);
    if (HAN.test(text)) return this.segmentChinese(text);
    const out: Token[] = [];
    for (const m of text.matchAll(WORD_RUN)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
    return out;
  }

  private segmentChinese(text: string): Token[] {
    const out: Token[] = [];
    let pos = 0;
    for (const piece of this.jieba.cut(text, true)) {
      const at = text.startsWith(piece, pos) ? pos : text.indexOf(piece, pos);
      if (at < 0) continue;
      pos = at + piece.length;
      const first = piece.charCodeAt(0);
      // Han ideographs are words; anything else is checked (punctuation and spaces are not).
      if ((first >= 0x4e00 && first <= 0x9fff) || (WORDLIKE.test(piece) && piece.trim() === piece)) out.push({ text: piece, start: at, end: pos });
    }
    return out;
  }
}

function segmentJapanese(text: string): Token[] {
  japanese ??= new Intl.Segmenter('ja', { granularity: 'word' });
  const out: Token[] = [];
  for (const s of japanese.segment(text)) if (s.isWordLike) out.push({ text: s.segment, start: s.index, end: s.index + s.segment.length });
  return out;
}
