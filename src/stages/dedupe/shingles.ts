// Shingles of cleaned text: word n-grams for space-delimited scripts, character n-grams for scripts written
// without spaces (Chinese, Japanese, Thai, Lao, Khmer, Burmese). Shingles never cross a sentence or paragraph,
// so reordered paragraphs keep their shingles and one changed sentence changes only its own.
import { hashString32 } from '../../domain/hash32.js';

const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const UNSPACED_OR_REST =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]\p{M}*|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/gu;
/** Sentence and paragraph ends: CJK full stops, ! ? ; and a Latin period followed by a space or the end. */
const SENTENCE_END = /[\n\r。！？；!?;]+|\.(?=\s|$)/u;

const UNSPACED_LANGS = new Set(['zh', 'ja', 'th', 'lo', 'km', 'my', 'yue', 'wuu']);

/** Words per shingle in space-delimited text, and characters per shingle in text written without spaces. */
export const WORD_SHINGLE = 3;
export const CHAR_SHINGLE = 4;

export interface Tokenized {
  /** Tokens of each sentence. */
  sentences: string[][];
  /** True when the text is mostly written without spaces (character tokens). */
  charMode: boolean;
}

export function tokenize(text: string, lang?: string | null): Tokenized {
  const normalized = text.normalize('NFKC').toLowerCase();
  const sentences: string[][] = [];
  let unspaced = 0;
  let total = 0;
  for (const sentence of normalized.split(SENTENCE_END)) {
    const tokens: string[] = [];
    for (const run of sentence.match(WORD_RUN) ?? []) {
      if (!UNSPACED.test(run)) {
        tokens.push(run);
        continue;
      }
      for (const piece of run.match(UNSPACED_OR_REST) ?? []) {
        tokens.push(piece);
        if (UNSPACED.test(piece)) unspaced++;
      }
    }
    total += tokens.length;
    if (tokens.length > 0) sentences.push(tokens);
  }
  const primary = lang?.toLowerCase().split(/[-_]/)[0];
  const charMode = primary !== undefined && primary !== 'und' ? UNSPACED_LANGS.has(primary) : unspaced * 2 > total;
  return { sentences, charMode };
}

/** The distinct shingle hashes of a text. A sentence shorter than a shingle counts as one shingle. */
export function shingleHashes(text: string, lang?: string | null): Set<number> {
  const { sentences, charMode } = tokenize(text, lang);
  const k = charMode ? CHAR_SHINGLE : WORD_SHINGLE;
  const sep = charMode ? '' : ' ';
  const out = new Set<number>();
  for (const tokens of sentences) {
    if (tokens.length <= k) {
      out.add(hashString32(tokens.join(sep)));
      continue;
    }
    for (let i = 0; i + k <= tokens.length; i++) out.add(hashString32(tokens.slice(i, i + k).join(sep)));
  }
  return out;
}
