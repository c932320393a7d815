// Top keywords of an article by TF-IDF. Document frequencies come from a running table of the articles this
// classifier has seen; until it has seen enough, Chinese words fall back to jieba's shipped IDF table, and the
// stop-word lists of stopwords-iso keep function words out.
import { idf as jiebaIdf } from '@node-rs/jieba/dict.js';
import { createRequire } from 'node:module';
import type { Token } from '../text/tokenize.js';

let priorIdf: { idf: Map<string, number>; median: number } | undefined;
/** jieba's IDF table, read on first use (a quarter of a second). */
function prior(): { idf: Map<string, number>; median: number } {
  if (!priorIdf) {
    const idf = new Map<string, number>();
    for (const line of Buffer.from(jiebaIdf).toString('utf8').split('\n')) {
      const sp = line.lastIndexOf(' ');
      if (sp > 0) idf.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
    const values = [...idf.values()].sort((a, b) => a - b);
    priorIdf = { idf, median: values[Math.floor(values.length / 2)] ?? 10 };
  }
  return priorIdf;
}

/** A little under the median of jieba's IDF table (12.0): a word of unknown frequency counts as fairly rare. */
const NON_CHINESE_IDF = 10.8;

const stopwords = new Set<string>(Object.values(createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>).flat());
const HAN = /\p{Script=Han}/u;
const NUMERIC = /^[\p{N}.,%]+$/u;

export interface KeywordOptions {
  maxKeywords: number;
  /** Learn document frequencies from the articles seen (bounded table); off keeps results independent of order. */
  learn: boolean;
  /** Most distinct terms the running table keeps; the rarest are pruned beyond it. */
  maxTerms?: number;
}

export class KeywordExtractor {
  private readonly df = new Map<string, number>();
  private docs = 0;
  constructor(private readonly options: KeywordOptions) {}

  private idf(term: string): number {
    const seen = this.df.get(term) ?? 0;
    // The running table speaks once it has seen a few hundred articles; before that the prior does.
    if (this.docs >= 200) return Math.log((this.docs + 1) / (seen + 1)) + 1;
    // jieba's table covers Chinese words only; other words share one value until the running table speaks.
    if (!HAN.test(term)) return NON_CHINESE_IDF;
    const { idf, median } = prior();
    // Unknown to the table: rarer than most words, so about the median.
    return idf.get(term) ?? median;
  }

  extract(titleTokens: Token[], textTokens: Token[]): string[] {
    // Count every token first and judge each distinct word once: a text repeats its words.
    const tf = new Map<string, number>();
    for (const t of titleTokens) tf.set(t.text, (tf.get(t.text) ?? 0) + 3);
    for (const t of textTokens) tf.set(t.text, (tf.get(t.text) ?? 0) + 1);
    const scored: Array<[string, number]> = [];
    for (const [w, f] of tf) {
      if (w.length < (HAN.test(w) ? 2 : 3) || stopwords.has(w) || NUMERIC.test(w)) {
        tf.delete(w);
        continue;
      }
      scored.push([w, (1 + Math.log(f)) * this.idf(w)]);
    }
    scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (this.options.learn) this.learn(tf.keys());
    return scored.slice(0, this.options.maxKeywords).map(([w]) => w);
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
