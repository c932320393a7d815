// `newsflow dedupe check <fileA> <fileB>`: how similar two documents are and what the dedupe stage would call them.
import { readInput } from './read-input.js';
import * as cheerio from 'cheerio';
import { compare } from '../stages/dedupe/compare.js';
import { limitNesting } from '../domain/html.js';
import { extractLocal } from './extract.js';

const BLOCKS = 'p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, td, div, section, article, br';

/**
 * Plain text of a file: HTML reduced to its visible text (page chrome included), a Markdown dump stripped of front
 * matter and images. A rough reading for corpora (bench/dedupe-corpus.ts); `dedupe check` compares what the clean
 * stage extracts instead.
 */
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

/**
 * Compares the texts the clean stage extracts from the two files (the article without the page's chrome), so the
 * verdict is the one the pipeline gives: a repost with other chrome is the duplicate the pipeline calls it.
 */
export async function runDedupeCheck(fileA: string, fileB: string): Promise<string> {
  const textOf = async (file: string) => extractLocal(file, await readInput(file)).text;
  const [a, b] = await Promise.all([textOf(fileA), textOf(fileB)]);
  const { similarity, status } = compare(a, b);
  return JSON.stringify({ similarity, status });
}
