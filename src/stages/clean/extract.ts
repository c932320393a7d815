// Main-content extraction: page HTML in, article text, Markdown and metadata out. Pure and synchronous.
import { load, type CheerioAPI } from 'cheerio';
import iconv from 'iconv-lite';
import type { Document, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { canonicalizeUrl } from '../../domain/canonical-url.js';
import { decodeBody } from '../../domain/encoding.js';
import { boilerplateFilter, trimBoilerplate } from './boilerplate.js';
import { cleanContent } from './clean-content.js';
import type { CleanConfig } from './config.js';
import { descendants, isElement, isText, limitDepth, textOf } from './dom.js';
import { readJsonLd } from './json-ld.js';
import { readMeta } from './metadata.js';
import { limitNesting } from '../../domain/html.js';
import { collectPageInfo } from './page-info.js';
import { prune } from './prune.js';
import { MARKDOWN_URL_PART, render, type Block } from './render.js';
import { computeStats, findMainContent } from './score.js';
import { findSiteRule } from './site-rules.js';
import { joinParagraphs, normalizeInline } from './text.js';
import type { Extracted } from './types.js';

export interface ExtractOptions {
  /** Site rules and boilerplate patterns; the built-in ones apply without it. */
  config?: Partial<CleanConfig>;
  /** The HTTP Content-Type, whose charset wins over the page's own declaration for Buffer input. */
  contentType?: string | null;
}

// Scoring works on one parser's tree; htmlparser2 builds it several times faster than parse5 (bench/extraction.ts).
// Markup nested thousands deep is cut first: the parser's time grows with the square of the depth (domain/html.ts).
export function parseHtml(html: string): Document {
  return parseDocument(limitNesting(html), { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
}

function findBody(doc: Document): Element {
  for (const el of descendants(doc)) if (el.name === 'body') return el;
  const html = doc.children.find((c): c is Element => isElement(c) && c.name === 'html');
  return html ?? (doc as unknown as Element);
}

// Real pages nest a few dozen levels; the walks below recurse once per level.
const MAX_DEPTH = 400;

// Chinese bylines in the first lines of a story: （记者 周明）, 作者：林远, 文/林远, 撰文｜林远.
const CHINESE_BYLINE = /(?:[（(]\s*记者\s*|(?:^|\s)(?:作者|撰文|文)\s*[:：/｜|]\s*)([\u4e00-\u9fff·]{2,5}(?:[、，,\s]+[\u4e00-\u9fff·]{2,5}){0,3})/;

function authorFromByline(blocks: readonly Block[]): string | null {
  for (const b of blocks.slice(0, 3)) {
    const m = b.text.slice(0, 120).match(CHINESE_BYLINE);
    if (m) return normalizeInline(m[1]!.replace(/[、，,]\s*/g, ', '));
  }
  return null;
}

/** The first characters of visible text, enough to tell the script of the page. */
function sampleText(root: Element, limit: number): string {
  let out = '';
  const walk = (el: Element): boolean => {
    for (const c of el.children) {
      if (isText(c)) {
        out += c.data;
        if (out.length >= limit) return true;
      } else if (isElement(c) && c.name !== 'script' && c.name !== 'style' && walk(c)) return true;
    }
    return false;
  };
  walk(root);
  return out;
}

// Alt and link text are escaped by the renderer (render.ts), so an unescaped bracket ends them.
const IMAGE_MD = new RegExp(String.raw`!\[(?:[^[\]\\]|\\.)*\]\((${MARKDOWN_URL_PART}+)\)`, 'g');

const REPLACEMENT = /\uFFFD/g;

/**
 * Bytes to text by BOM, HTTP charset and the page's declaration; a page that declares nothing and is not UTF-8
 * (many Chinese sites send GBK without saying so) is read as GB18030 when that decodes it cleanly.
 */
function decodeBytes(bytes: Buffer, contentType: string | null | undefined): string {
  const decoded = decodeBody(bytes, contentType);
  if (decoded.source !== 'default') return decoded.text;
  const bad = decoded.text.match(REPLACEMENT)?.length ?? 0;
  if (bad < 8) return decoded.text;
  const gb = iconv.decode(bytes, 'gb18030');
  return (gb.match(REPLACEMENT)?.length ?? 0) < bad / 10 ? gb : decoded.text;
}

/** Extracts the article from a page. `url` resolves relative links and selects site rules. */
export function extract(html: string | Buffer, url?: string, options: ExtractOptions = {}): Extracted {
  const source = typeof html === 'string' ? html : decodeBytes(html, options.contentType);
  const doc = parseHtml(source);
  limitDepth(doc, MAX_DEPTH);
  const info = collectPageInfo(doc);
  let cheerio: CheerioAPI | null = null;
  // Selector queries are costly on big pages: cheerio is loaded only for site rules.
  const $ = () => (cheerio ??= load(doc));
  const ld = readJsonLd(info.jsonLd);
  const rule = findSiteRule(url, options.config as CleanConfig | undefined);
  const base = info.baseHref ?? url;
  const body = info.body ?? findBody(doc);
  const sample = `${info.title ?? ''} ${sampleText(body, 3000)}`;
  const meta = readMeta(info, $, url, rule, ld, sample);

  for (const sel of rule?.remove ?? []) $()(sel).remove();
  let ruleBody: Element | null = null;
  if (rule?.body) {
    const found = $()(rule.body).toArray().find((el): el is Element => isElement(el) && normalizeInline(textOf(el)).length > 0);
    ruleBody = found ?? null;
  }
  let blocks: Block[];
  if (ruleBody) {
    prune(ruleBody, computeStats([ruleBody]), { light: true });
    const stats = computeStats([ruleBody]);
    cleanContent([ruleBody], stats, true);
    blocks = render([ruleBody], base).blocks;
  } else {
    prune(body, computeStats([body]));
    const stats = computeStats([body]);
    const main = findMainContent(body, stats);
    const elements = main ? main.elements : [body];
    cleanContent(elements, stats);
    blocks = render(elements, base).blocks;
  }
  // A paragraph that is all link is a teaser or a "read more" line, not article text.
  // A written-out address (a URL or e-mail in the text) is content even as a link.
  blocks = blocks.filter((b) => !(b.kind !== 'row' && (b.linkRatio ?? 0) > 0.8 && b.text.length < 200 && !/^\S+(@|:\/\/|www\.)\S+$/.test(b.text)));
  const bylineAuthor = meta.author ? null : authorFromByline(blocks);
  // The headline repeated at the top of the body is metadata, and it would hide the edge boilerplate below it.
  const firstText = blocks.findIndex((b) => b.text);
  if (meta.title && firstText >= 0 && blocks[firstText]!.text === meta.title) blocks.splice(firstText, 1);
  blocks = trimBoilerplate(blocks, boilerplateFilter(options.config));

  let text = blocks.filter((b) => b.text).map((b) => b.text).join('\n\n');
  let markdown = joinMarkdown(blocks);
  // JSON-LD articleBody is the publisher's own statement of the text: trust it when the page's DOM yields much less.
  if (ld?.articleBody) {
    const ldText = joinParagraphs(ld.articleBody.split(/\n+/));
    if (ldText.length >= 200 && text.length < ldText.length * 0.5) {
      text = ldText;
      markdown = ldText;
    }
  }
  const images = [...new Set([...markdown.matchAll(IMAGE_MD)].map((m) => m[1]!))];
  return {
    title: meta.title,
    author: meta.author ?? bylineAuthor,
    publishedAt: meta.publishedAt,
    modifiedAt: meta.modifiedAt,
    siteName: meta.siteName,
    langHint: meta.langHint,
    canonicalUrl: meta.canonicalUrl ? canonicalizeUrl(meta.canonicalUrl) : null,
    text,
    markdown,
    leadImage: meta.leadImage ?? images[0] ?? null,
    images,
    links: linksOf(markdown),
  };
}

const LINK_MD = new RegExp(String.raw`(?<![!\\])\[(?:[^[\]\\]|\\.)*\]\((https?:\/\/${MARKDOWN_URL_PART}+)\)`, 'g');

function linksOf(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(LINK_MD)].map((m) => m[1]!))];
}

/** Blocks as Markdown: list items of one list on consecutive lines, everything else a blank line apart. */
function joinMarkdown(blocks: readonly Block[]): string {
  let out = '';
  let prev: Block | null = null;
  for (const b of blocks) {
    if (!b.md) continue;
    if (prev) out += prev.kind === 'li' && b.kind === 'li' ? '\n' : prev.kind === 'row' && b.kind === 'row' ? '\n' : '\n\n';
    out += b.md;
    prev = b;
  }
  return out;
}
