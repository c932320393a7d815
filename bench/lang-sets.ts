// The language test sets of the benchmarks (bench/classify.ts, bench/lang.ts), built from the fixture sentences.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface LangSets {
  /** The fixture sentences of each language. */
  byLang: Map<string, string[]>;
  /** Every ordered pair of a language's sentences, cut to 50–109 characters: 1,320 texts of 50+ characters. */
  long: Array<[string, string]>;
  /** Each sentence cut to 20 characters. */
  short: Array<[string, string]>;
}

export function langSets(fixturesDir: string): LangSets {
  const sentences = readFileSync(path.join(fixturesDir, 'lang-sentences.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t') as [string, string]);
  const byLang = new Map<string, string[]>();
  for (const [l, s] of sentences) byLang.set(l, [...(byLang.get(l) ?? []), s]);
  const long: Array<[string, string]> = [];
  for (const [l, list] of byLang)
    list.forEach((a, i) => list.forEach((b, j) => i !== j && long.push([l, `${a} ${b}`.slice(0, 50 + ((i * 7 + j * 13) % 60))])));
  return { byLang, long, short: sentences.map(([l, s]) => [l, s.slice(0, 20)]) };
}
