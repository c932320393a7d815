// Extraction benchmark on ../shared/corpus/extraction-dev: precision, recall, accuracy, F-score and pages/s of
// newsflow's extract() and, in the same run, of Mozilla Readability on linkedom.
//   npx tsx bench/extraction.ts [--limit N] [--only newsflow] [--worst N] [--parsers]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { load } from 'cheerio';
import { decodeBody } from '../src/domain/encoding.js';
import { extract, parseHtml } from '../src/stages/clean/extract.js';
import { readabilityText } from './extraction/readability.js';
import { add, emptyCounts, metrics, norm, scoreDocument, type Counts } from './extraction/scoring.js';

interface Case {
  id: string;
  file: string;
  url: string | null;
  with: string[];
  without: string[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const here = path.dirname(new URL(import.meta.url).pathname);
const corpus = [path.resolve(here, '../../shared/corpus/extraction-dev'), '/work/shared/corpus/extraction-dev'].find((d) => existsSync(path.join(d, 'cases.jsonl')));
if (!corpus) {
  console.log('extraction-dev corpus not found (../shared/corpus/extraction-dev): benchmark skipped');
  process.exit(0);
}

const limit = Number(arg('limit') ?? Infinity);
const only = arg('only');
const worst = Number(arg('worst') ?? 0);
const cases: Case[] = readFileSync(path.join(corpus, 'cases.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Case)
  .slice(0, limit);
const pages = cases.map((c) => ({ c, bytes: gunzipSync(readFileSync(path.join(corpus, c.file))) }));

interface Extractor {
  name: string;
  run: (bytes: Buffer, url: string | undefined) => string | null;
}

const all: Extractor[] = [
  { name: 'newsflow', run: (bytes, url) => extract(bytes, url).text },
  { name: 'readability (linkedom)', run: (bytes) => readabilityText(decodeBody(bytes).text) },
];
const extractors = all.filter((e) => !only || e.name.startsWith(only));

interface Result {
  name: string;
  counts: Counts;
  seconds: number;
  errors: number;
  perDoc: { c: Case; counts: Counts; text: string | null }[];
}

const results: Result[] = [];
// Warm up every extractor on a few pages first, so the one measured first does not pay for JIT compilation alone.
for (const ex of extractors) {
  for (const { c, bytes } of pages.slice(0, 20)) {
    try {
      ex.run(bytes, c.url ?? undefined);
    } catch {
      // Counted in the measured pass.
    }
  }
}
for (const ex of extractors) {
  const counts = emptyCounts();
  const perDoc: Result['perDoc'] = [];
  let seconds = 0;
  let errors = 0;
  for (const { c, bytes } of pages) {
    let text: string | null = null;
    const t0 = performance.now();
    try {
      text = ex.run(bytes, c.url ?? undefined);
    } catch {
      errors++;
    }
    seconds += (performance.now() - t0) / 1000;
    const dc = scoreDocument(text, c.with, c.without);
    add(counts, dc);
    perDoc.push({ c, counts: dc, text });
  }
  results.push({ name: ex.name, counts, seconds, errors, perDoc });
}

const f3 = (n: number) => n.toFixed(3);
console.log(`extraction-dev: ${pages.length} documents, ${pages.reduce((n, p) => n + p.c.with.length, 0)} with / ${pages.reduce((n, p) => n + p.c.without.length, 0)} without segments`);
console.log('extractor                 precision  recall  accuracy  f-score  pages/s  errors   TP   FP   FN');
for (const r of results) {
  const m = metrics(r.counts);
  console.log(
    `${r.name.padEnd(25)} ${f3(m.precision).padStart(9)} ${f3(m.recall).padStart(7)} ${f3(m.accuracy).padStart(9)} ${f3(m.fscore).padStart(8)} ${(pages.length / r.seconds).toFixed(1).padStart(8)} ${String(r.errors).padStart(7)} ${String(r.counts.tp).padStart(4)} ${String(r.counts.fp).padStart(4)} ${String(r.counts.fn).padStart(4)}`,
  );
}
if (results.length === 2) console.log(`speed ratio newsflow / readability: ${(results[1]!.seconds / results[0]!.seconds).toFixed(2)}x`);
console.log('published on this corpus: trafilatura 2.2.0 F 0.924, readability-lxml 0.826');

if (process.argv.includes('--parsers')) {
  const time = (fn: (html: string) => unknown) => {
    const t0 = performance.now();
    for (const { bytes } of pages) fn(decodeBody(bytes).text);
    return (performance.now() - t0) / 1000;
  };
  const h2 = time((html) => parseHtml(html));
  const p5 = time((html) => load(html));
  console.log(`parse only: htmlparser2 ${(pages.length / h2).toFixed(1)} pages/s, parse5 ${(pages.length / p5).toFixed(1)} pages/s (${(p5 / h2).toFixed(2)}x)`);
}

if (worst > 0 && results[0]) {
  const bad = [...results[0].perDoc].sort((a, b) => b.counts.fn + b.counts.fp - (a.counts.fn + a.counts.fp)).slice(0, worst);
  for (const d of bad) {
    const t = d.text === null ? null : norm(d.text);
    console.log(`\n${d.c.file} ${d.c.url ?? d.c.id}  FN=${d.counts.fn} FP=${d.counts.fp} chars=${t?.length ?? 'null'}`);
    for (const s of d.c.with) if (!t?.includes(norm(s))) console.log(`  missed: ${s.slice(0, 100)}`);
    for (const s of d.c.without) if (t?.includes(norm(s))) console.log(`  extra:  ${s.slice(0, 100)}`);
  }
}
