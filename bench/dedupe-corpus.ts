// Extra evaluation pairs from real web pages (../shared/corpus/extraction-dev, many languages, page chrome
// included): copies derived from each page against other pages. Absent corpus: no extra pairs.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readableText } from '../src/commands/dedupe.js';
import { decodeBody } from '../src/domain/encoding.js';
import {
  body, changeOneSentence, firstHalf, lightlyEdit, loadChrome, shuffled, wrap, type Article, type Lang, type Pair,
} from '../test/fixtures/dedupe/eval-set.js';
import { rng } from '../src/domain/random.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function corpusDir(): string | null {
  for (const dir of [resolve(ROOT, '../shared'), resolve(ROOT, '../../shared'), '/work/shared']) {
    const d = join(dir, 'corpus/extraction-dev');
    if (existsSync(join(d, 'cases.jsonl'))) return d;
  }
  return null;
}

export function corpusPairs(limit: number): Pair[] {
  const dir = corpusDir();
  if (dir === null || limit <= 0) return [];
  const files = readFileSync(join(dir, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { file: string }).file)
    .sort();
  const pages: { article: Article; lang: Lang }[] = [];
  for (const file of files) {
    if (pages.length >= limit) break;
    const html = decodeBody(gunzipSync(readFileSync(join(dir, file)))).text;
    const paragraphs = readableText(html).split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
    const text = paragraphs.join(' ');
    const cjk = (text.match(/\p{Script=Han}/gu) ?? []).length;
    const lang: Lang = cjk * 3 > text.length ? 'zh' : 'en';
    if (paragraphs.length < 4 || (lang === 'en' ? text.split(/\s+/).length < 150 : text.length < 300)) continue;
    pages.push({ article: { name: file, topic: file, title: paragraphs[0]!, paragraphs }, lang });
  }
  const pairs: Pair[] = [];
  const r = rng(4242);
  pages.forEach(({ article, lang }, i) => {
    const next = pages[(i + 1) % pages.length]!;
    const chrome = loadChrome(lang).reposts[i % 2]!;
    const original = body(article.paragraphs);
    const tag = `page-${lang}`;
    const pos = (kind: string, b: string) => pairs.push({ lang, kind: `${tag} ${kind}`, same: true, a: original, b });
    pos('repost-chrome', wrap(article.paragraphs, chrome));
    pos('reordered', body(shuffled(article.paragraphs, r)));
    pos('one-sentence-changed', body(changeOneSentence(article, next.article, lang, r)));
    pos('light-edit', body(lightlyEdit(article, lang, r)));
    pos('truncated-first-half', body(firstHalf(article, lang)));
    pairs.push({ lang, kind: `${tag} other-page`, same: false, a: original, b: body(next.article.paragraphs) });
    pairs.push({ lang, kind: `${tag} other-page-truncated`, same: false, a: body(firstHalf(article, lang)), b: body(next.article.paragraphs) });
  });
  return pairs;
}
