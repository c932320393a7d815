// Top keywords of an article by TF-IDF. Document frequencies come from a running table of the articles this
// classifier has seen; until it has seen enough, Chinese words fall back to jieba's shipped IDF table, and the
// stop-word lists of stopwords-iso keep function words out.
import { idf as jiebaIdf } from '@node-rs/jieba/dict.js';
import { createRequire } from 'node:module';
import type { Token } from '../text/tokenize.js';
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

/** Term counts of the article being judged, by first-seen order; reused (extraction never re-enters itself). */
let counts = new Int32Array(4096);

export interface KeywordOptions {
  maxKeywords: number;
  /** Learn document frequencies from the articles seen (bounded table); off keeps results independent of order. */
  learn: boolean;
  /** Most distinct terms the running table keeps; the rarest are pruned beyond it. */
  maxTerms?: number;
}

/** Whether (w, score) ranks before an entry: higher score first, then the word in code-unit order. */
function before(w: string, score: number, [other, otherScore]: [string, number]): boolean {
  return score > otherScore || (score === otherScore && w < other);
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

  extract(titleTokens: Token[], textTokens: Token[]): string[] {
    // Count every token first and judge each distinct word once: a text repeats its words. Single characters are
    // never keywords, and a repeated word costs one lookup: counting is most of extraction's time.
    const slotOf = new Map<string, number>();
    const words: string[] = [];
    if (counts.length < titleTokens.length + textTokens.length) counts = new Int32Array(2 * (titleTokens.length + textTokens.length));
    const count = (tokens: Token[], weight: number) => {
      for (const t of tokens) {
        const w = t.text;
        if (w.length < 2) continue;
        const slot = slotOf.get(w);
        if (slot !== undefined) counts[slot]! += weight;
        else {
          slotOf.set(w, words.length);
          counts[words.length] = weight;
          words.push(w);
        }
      }
    };
    count(titleTokens, 3);
    count(textTokens, 1);
    // Only the best few are wanted: kept in order as they come, rather than sorting every word.
    const max = this.options.maxKeywords;
    const top: Array<[string, number]> = [];
    const kept: string[] | null = this.options.learn ? [] : null;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const f = counts[i]!;
      const han = hasHan(w);
      if (w.length < (han ? 2 : 3) || stopwords.has(w) || NUMERIC.test(w)) continue;
      kept?.push(w);
      if (max <= 0) continue;
      const score = (1 + Math.log(f)) * this.idf(w, han);
      if (top.length === max && !before(w, score, top[max - 1]!)) continue;
      let at = top.length === max ? max - 1 : top.length;
      while (at > 0 && before(w, score, top[at - 1]!)) {
        top[at] = top[at - 1]!;
        at--;
      }
      top[at] = [w, score];
    }
    if (kept) this.learn(kept);
    return top.map(([w]) => w);
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
