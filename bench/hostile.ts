// Hostile-input benchmark: each reader of untrusted text (feed parsing, extraction, Markdown dumps, classify,
// dedupe) on runs of 5,000 and 20,000 copies of a token that opens markup, a link, an entity or a comment and never
// closes it. Linear work takes about 4 times as long for 4 times the input; a pattern that rescans from every token
// to the end takes about 16 times. Prints each reader's three steepest tokens, the ratio to its 5,000-copy run in
// the same process, and flags anything above 8. Then a feed of unclosed elements followed by end tags that close none,
// and extraction of markup nested 25,000 to 200,000 deep, against the parser without the nesting cap. Then closed
// elements in bulk: a paragraph of 10,000 and 40,000 inline wrappers (<i>, <b>, <a>, <code>), and Markdown dump
// lines with a long inner run of white space.
// Run: npx tsx bench/hostile.ts [reader]
import { parseDocument } from 'htmlparser2';
import { parseFeed } from '../src/stages/fetch/parse-feed.js';
import { extract } from '../src/stages/clean/extract.js';
import { parseMarkdownDump } from '../src/stages/clean/markdown-dump.js';
import { classify } from '../src/stages/classify/index.js';
import { compare } from '../src/stages/dedupe/compare.js';
import { sketch } from '../src/stages/dedupe/fingerprint.js';

const TOKENS = [
  '<', '<a', '<div', '<p ', '<description ', '<![CDATA[', '<!DOCTYPE [', '<!DOCTYPE ', '<!--', '<?', '&', '&#', '&amp', '[', '![', '](',
  '(', '"', "'", '*', '_', '`', '\\', '<link ', 'http://a', '<a href="', '</', '</div', '<br>', '#', '- ', '> ', '\n', '\n\n', '.',
  '。', '<x>', '<script>', '<title>', '<content type="xhtml">', '<div xmlns="http://www.w3.org/1999/xhtml">', 'AI ', '人工智能',
  'U.S.', '2024-01-01 ', '<entry>', '<item>',
];
const rss = (inner: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${inner}</channel></rss>`;
const READERS: Record<string, (s: string) => unknown> = {
  'feed document': (s) => parseFeed(rss(s)),
  'feed item text': (s) => parseFeed(rss(`<item><title>t</title><link>http://a/1</link><description>${s}</description></item>`)),
  'feed item CDATA': (s) => parseFeed(rss(`<item><title>t</title><link>http://a/1</link><description><![CDATA[${s}]]></description></item>`)),
  'Atom xhtml content': (s) =>
    parseFeed(
      `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>t</title><id>x</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${s}</div></content></entry></feed>`,
    ),
  'page extraction': (s) => extract(`<html><body><article><p>Lead text of the story.</p>${s}</article></body></html>`),
  'Markdown dump': (s) => parseMarkdownDump(`---\ntitle: T\n---\n\nLead text.\n\n${s}\n`),
  classify: (s) => classify({ title: 't', text: s }),
  'dedupe sketch': (s) => sketch(s),
  'dedupe compare': (s) => compare(s, `${s} and one more sentence at the end.`),
};

async function ms(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const only = process.argv[2];
console.log('hostile input: ms for 5,000 and 20,000 copies of a token; ratio 4 is linear, 16 quadratic');
for (const [name, read] of Object.entries(READERS)) {
  if (only && name !== only) continue;
  const rows: Array<{ token: string; small: number; large: number; ratio: number }> = [];
  for (const token of TOKENS) {
    const small = await ms(() => read(token.repeat(5_000)));
    const large = await ms(() => read(token.repeat(20_000)));
    rows.push({ token, small, large, ratio: large / Math.max(small, 1) });
  }
  rows.sort((a, b) => b.large - a.large);
  const worst = rows.slice(0, 3).map((r) => `${JSON.stringify(r.token)} ${r.small.toFixed(0)} → ${r.large.toFixed(0)} ms (${r.ratio.toFixed(1)}x)`);
  const steep = rows.filter((r) => r.large > 300 && r.ratio > 8);
  console.log(`  ${name.padEnd(20)} slowest: ${worst.join(', ')}${steep.length ? `   STEEP: ${steep.map((r) => JSON.stringify(r.token)).join(' ')}` : ''}`);
}

// A feed of n unclosed elements then n end tags that close none of them: sax's forgiving mode searched every open
// element for each end tag.
if (!only || only === 'feed document') {
  const feed = (n: number) => rss(`<item><title>t</title><link>http://a/1</link></item>${'<a>'.repeat(n)}${'</b>'.repeat(n)}`);
  const small = await ms(() => parseFeed(feed(5_000)));
  const large = await ms(() => parseFeed(feed(20_000)));
  console.log(`unclosed then unmatched: feed with 5,000 → 20,000 of each ${small.toFixed(0)} → ${large.toFixed(0)} ms (${(large / Math.max(small, 1)).toFixed(1)}x)`);
}

// Nested markup: extract() on one story inside n nested <div>s, against the parser alone without the nesting cap
// (its time grows with the square of the depth) and against a 1 MB page of ordinary paragraphs.
if (!only) {
  const story = '<p>The committee published its findings on Tuesday after a year of hearings.</p>';
  const deep = (n: number) => `<html><body>${'<div>'.repeat(n)}${story}${'</div>'.repeat(n)}</body></html>`;
  const flat = `<html><body>${story.repeat(14_000)}</body></html>`;
  console.log(`nested markup: ordinary 1 MB page (14,000 paragraphs) extract() ${(await ms(() => extract(flat))).toFixed(0)} ms`);
  for (const n of [25_000, 50_000, 200_000]) {
    const html = deep(n);
    const capped = await ms(() => extract(html));
    const uncapped = n <= 50_000 ? await ms(() => parseDocument(html)) : null;
    console.log(
      `  ${n.toLocaleString('en')} nested <div>s (${(html.length / 1e6).toFixed(2)} MB): extract() ${capped.toFixed(0)} ms` +
        (uncapped === null ? '' : `; parsing alone without the cap ${uncapped.toFixed(0)} ms (${(uncapped / capped).toFixed(1)}x extract())`),
    );
  }
}

// Closed inline elements in bulk: the Markdown renderer once re-sliced everything written before each wrapper
// (100,000 <i>x</i> took 12.7 s, 400,000 inside a few <span>s 6 minutes) and searched its list of links and images
// for each new one.
if (!only || only === 'page extraction') {
  const page = (unit: (i: number) => string, n: number) =>
    `<html><body><article><p>Lead text of the story, a sentence.</p><p>${Array.from({ length: n }, (_, i) => unit(i)).join('')}</p></article></body></html>`;
  const units: Array<[string, (i: number) => string]> = [
    ['<i>', () => '<i>x</i> '],
    ['<b>', () => '<b>x</b> '],
    ['<code>', () => '<code>x</code> '],
    ['<span><em>', () => '<span><em>x</em></span>'],
    ['<a> distinct', (i) => `<a href="/p/${i}">x</a> `],
    ['<img> distinct', (i) => `<img src="/i/${i}.jpg"> `],
  ];
  const rows: string[] = [];
  for (const [name, unit] of units) {
    await ms(() => extract(page(unit, 10_000), 'https://example.org/story')); // warm-up: the first run is not the time of the rest
    const small = await ms(() => extract(page(unit, 10_000), 'https://example.org/story'));
    const large = await ms(() => extract(page(unit, 40_000), 'https://example.org/story'));
    rows.push(`${name} ${small.toFixed(0)} → ${large.toFixed(0)} ms (${(large / Math.max(small, 1)).toFixed(1)}x)`);
  }
  console.log(`inline wrappers: one paragraph of 10,000 → 40,000: ${rows.join(', ')}`);
}

// A Markdown or front-matter line with a long inner run of white space: the heading pattern backtracked over it (# a, 80,000 spaces,
// b: 5.5 s).
if (!only || only === 'Markdown dump') {
  const body = (line: string) => `---\ntitle: T\n---\n\n${line}\n\nSome text here.\n`;
  const dumps: Array<[string, (n: number) => string]> = [
    ['# a␠…b', (n) => body(`# a${' '.repeat(n)}b`)],
    ['## x⇥…y', (n) => body(`## x${'\t'.repeat(n)}y`)],
    ['# a␠…#', (n) => body(`# a${' '.repeat(n)}#x`)],
    ['> a␠…b', (n) => body(`> a${' '.repeat(n)}b`)],
    ['- a␠…b', (n) => body(`- a${' '.repeat(n)}b`)],
    ['```␠…`', (n) => body(`\`\`\`${' '.repeat(n)}\``)],
    ['title: a␠…b', (n) => `---\ntitle: a${' '.repeat(n)}b\nurl: x\n---\n\nSome text here.\n`],
  ];
  const rows: string[] = [];
  for (const [name, dump] of dumps) {
    await ms(() => parseMarkdownDump(dump(20_000)));
    const small = await ms(() => parseMarkdownDump(dump(20_000)));
    const large = await ms(() => parseMarkdownDump(dump(80_000)));
    rows.push(`${name} ${small.toFixed(0)} → ${large.toFixed(0)} ms (${(large / Math.max(small, 1)).toFixed(1)}x)`);
  }
  console.log(`Markdown dump lines with 20,000 → 80,000 inner spaces: ${rows.join(', ')}`);
}
