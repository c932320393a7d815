// `newsflow dedupe check <fileA> <fileB>`: how similar two texts are and what the dedupe stage would call them.
import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import { compare } from '../stages/dedupe/compare.js';
import { limitNesting } from '../domain/html.js';

const BLOCKS = 'p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, td, div, section, article, br';

/** Plain text of a file: HTML reduced to its visible text, a Markdown dump stripped of front matter and images. */
export function readableText(content: string): string {
  if (/^\s*</.test(content) && /<(html|body|p|div|article)[\s>]/i.test(content)) {
    const $ = cheerio.load(limitNesting(content));
    $('script, style, noscript, template, svg, nav, header, footer, aside, form, iframe').remove();
    $(BLOCKS).each((_, el) => {
      $(el).prepend('\n').append('\n');
    });
    return ($('body').text() || $.root().text()).replace(/[ \t\u00a0]+/g, ' ').replace(/\n\s*\n+/g, '\n\n').trim();
  }
  return content
    .replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---\r?\n/, '')
    .replace(/^\s*!\[[^\]]*\]\([^)]*\)\s*$/gm, '')
    .trim();
}

export async function runDedupeCheck(fileA: string, fileB: string): Promise<string> {
  const [a, b] = await Promise.all([readFile(fileA, 'utf8'), readFile(fileB, 'utf8')]);
  const { similarity, status } = compare(readableText(a), readableText(b));
  return JSON.stringify({ similarity, status });
}
