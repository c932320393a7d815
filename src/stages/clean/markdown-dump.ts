// Markdown dumps of web pages (YAML front matter: title, url, source, date, fetch_date; then the page as Markdown):
// the article's text without the page chrome that such dumps keep (WeChat follow prompts, QR promotions, link lists).
import { canonicalizeUrl } from '../../domain/canonical-url.js';
import { boilerplateFilter, trimBoilerplate } from './boilerplate.js';
import type { CleanConfig } from './config.js';
import { parseDate } from './dates.js';
import { MARKDOWN_URL_PART, type Block } from './render.js';
import { cjkRatio, normalizeInline } from './text.js';
import type { Extracted } from './types.js';
import { readFrontMatter, type DumpMeta } from './front-matter.js';

export interface ParsedDump {
  meta: DumpMeta;
  extracted: Extracted;
}

export interface DumpOptions {
  config?: Partial<CleanConfig>;
}

// No part of a link or image may run past a bracket that could start or end another (see MARKDOWN_URL_PART).
/** One character of link text, or a whole image inside it (dumps wrap an image and a title in one link). */
const LINK_TEXT_PART = String.raw`(?:[^[\]]|!\[[^[\]]*\])`;
const IMAGE = new RegExp(String.raw`!\[([^[\]]*)\]\(\s*(${MARKDOWN_URL_PART}*)(?:\s+"[^"]*")?\s*\)`, 'g');
// A link whose text may span lines: made one line before splitting.
const MULTILINE_LINK = new RegExp(String.raw`\[(${LINK_TEXT_PART}*?)\]\((https?:${MARKDOWN_URL_PART}+)\)`, 'g');
const LINK_ONLY = new RegExp(String.raw`^\[([^[\]]*)\]\((https?:${MARKDOWN_URL_PART}+)\)$`);
/** A link, not an image: its target is the first group. */
const LINK = new RegExp(String.raw`(?<!!)\[${LINK_TEXT_PART}*\]\((https?:${MARKDOWN_URL_PART}+)\)`, 'g');
/** Link markup in inline text, its words kept. */
const INLINE_LINK = new RegExp(String.raw`\[([^[\]]*)\]\(${MARKDOWN_URL_PART}*\)`, 'g');
/** Lines of app and page chrome that a dump of a WeChat page contains wherever they stand. */
const CHROME_LINE =
  /^(微信扫一扫.*|关注该公众号|继续滑动看下一个|向上滑动看下一个|轻触阅读原文|阅读原文|知道了|取消|允许|使用小程序|视频|小程序|赞|在看|分享|留言|收藏|听过|×|[：:，,、。.\s]+|.*可打开此内容.*|使用完整服务|分析|写留言|喜欢此内容的人还喜欢|人划线)$/;
// Promotions ask the reader to do something; an article that merely mentions QR codes is not one.
const PROMO = /(识别|扫描|扫一扫|扫|长按).{0,8}(二维码|小程序码|下方|上方|图片)|加入.{0,8}(知识星球|社群|星球|群聊|读者群|交流群)|知识星球|关注.{0,6}(公众号|我们)|点击.{0,4}(关注|订阅)/;
// Promotions sit at the end of a dump (or at its very top, where the edge filter takes them).
const PROMO_ZONE = 0.6;
const HEADER_LABEL = /^(原创|转载|翻译|编译|首发|独家|原创\s*.{0,12})$/;

/**
 * An HTML tag that dumps keep (<br>, <span style=…>, <sup>): known element names only, so that "Vec<String>" and
 * "<5℃且湿度>" stay text. No attempt reads past the next "<".
 */
const HTML_TAG = new RegExp(
  String.raw`<\/?(?:${[
    'a', 'abbr', 'article', 'aside', 'audio', 'b', 'big', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup',
    'dd', 'del', 'details', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'font', 'footer', 'h[1-6]', 'header', 'hr', 'i', 'iframe',
    'img', 'ins', 'kbd', 'label', 'li', 'mark', 'mp-[\\w-]+', 'nav', 'ol', 'p', 'pre', 'q', 's', 'section', 'small', 'source', 'span', 'strike',
    'strong', 'sub', 'summary', 'sup', 'svg', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'u', 'ul', 'video', 'wbr',
  ].join('|')})(?=[\s/>])[^<>]*>`,
  'gi',
);

/** Text without HTML comments; an unclosed one is left as it is (nothing after it closes any). */
function withoutComments(s: string): string {
  let out = '';
  let from = 0;
  for (let open = s.indexOf('<!--'); open >= 0; open = s.indexOf('<!--', from)) {
    const close = s.indexOf('-->', open + 4);
    if (close < 0) break;
    out += s.slice(from, open);
    from = close + 3;
  }
  return out + s.slice(from);
}

/** Inline Markdown to plain text: emphasis, code and link markup go, their words stay. */
export function markdownToPlain(md: string): string {
  return withoutComments(md)
    .replace(IMAGE, '')
    .replace(INLINE_LINK, '$1')
    .replace(HTML_TAG, '')
    .replace(/(\*\*|__|~~)/g, '')
    .replace(/(^|[^\\\w])[*_]([^*_\n]+)[*_](?=$|[^\w])/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1');
}

interface DumpBlock extends Block {
  linkOnly: string | null;
}

/** A fenced code block's opening line: its fence and info string (which, after backticks, has none). */
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const THEMATIC_BREAK = /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const SETEXT_UNDERLINE = /^(=+|-+)[ \t]*$/;
const LIST_ITEM = /^(?:[*+-]|\d{1,9}[.)])\s+(.*)$/;

/** A heading line's level and text (closing #s dropped), or null. Read by hand: a pattern backtracked over spaces. */
function atxHeading(line: string): { level: number; text: string } | null {
  let level = 0;
  while (level < line.length && line[level] === '#') level++;
  if (level === 0 || level > 6 || (level < line.length && !/\s/.test(line[level]!))) return null;
  let text = line.slice(level).trim();
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  if (end === 0 || /\s/.test(text[end - 1]!)) text = text.slice(0, end).trimEnd();
  return { level, text };
}

/**
 * For each line, the longest closing fence of each kind on any later line: whether a fence opened there is ever
 * closed, found without searching ahead from every opening.
 */
function closingFences(lines: readonly string[]): Array<{ '`': number; '~': number }> {
  const out = new Array<{ '`': number; '~': number }>(lines.length);
  let next = { '`': 0, '~': 0 };
  for (let i = lines.length - 1; i >= 0; i--) {
    out[i] = next;
    const m = lines[i]!.replace(QUOTE_MARKS, '').trim().match(/^(`{3,}|~{3,})[ \t]*$/);
    if (m) {
      const kind = m[1]![0] as '`' | '~';
      if (m[1]!.length > next[kind]) next = { ...next, [kind]: m[1]!.length };
    }
  }
  return out;
}

const QUOTE_MARKS = /^[ \t]*(?:>[ \t]*)+/;

/**
 * The dump's blocks: paragraphs, ATX and setext headings, list items, block quotes, fenced code, thematic breaks.
 * Read by hand rather than by a CommonMark parser: dumps are not quite CommonMark (a link may span a blank line;
 * lines indented by four spaces are not code), and the reader must stay linear on hostile input. marked 18, tried
 * here, took 9.6 s on a 1 MB list nested 1,000 deep and overflowed the stack on 5,000 "> " in one line.
 */
function toBlocks(body: string): DumpBlock[] {
  const lines = body.replace(/\r\n?/g, '\n').replace(MULTILINE_LINK, (all) => all.replace(/\s*\n\s*/g, ' ')).split('\n');
  const closers = closingFences(lines);
  const blocks: DumpBlock[] = [];
  let para: string[] = [];
  let paraQuote = false;
  let fence: { marker: string; info: string; quote: boolean; indent: RegExp; lines: string[] } | null = null;
  const push = (b: DumpBlock, quote: boolean) => blocks.push(quote && b.md ? { ...b, md: `> ${b.md}` } : b);
  const flushPara = () => {
    if (para.length) push(makeBlock('p', joinLines(para), 0), paraQuote);
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const quoteMarks = raw.match(QUOTE_MARKS)?.[0] ?? '';
    if (fence) {
      const inner = fence.quote ? raw.slice(quoteMarks.length) : raw;
      const close = inner.trim();
      if (close.length >= fence.marker.length && close.startsWith(fence.marker) && /^(`+|~+)[ \t]*$/.test(close)) {
        push(makePre(fence.lines, fence.marker + fence.info), fence.quote);
        fence = null;
      } else fence.lines.push(inner.replace(fence.indent, ''));
      continue;
    }
    if (/^[ \t]*$/.test(raw)) {
      flushPara();
      continue;
    }
    const quote = quoteMarks.length > 0;
    const line = (quote ? raw.slice(quoteMarks.length) : raw).trim();
    if (quote !== paraQuote) flushPara();
    paraQuote = quote;
    if (!line) {
      // An empty quote line ends a paragraph; a line of other white space (U+3000) does not.
      if (quote) flushPara();
      continue;
    }
    const open = line.match(FENCE);
    if (open && !(open[1]![0] === '`' && open[2]!.includes('`')) && closers[i]![open[1]![0] as '`' | '~'] >= open[1]!.length) {
      flushPara();
      const rest = quote ? raw.slice(quoteMarks.length) : raw;
      // Code lines lose as much indentation as the opening fence had.
      const indent = rest.length - rest.trimStart().length;
      fence = { marker: open[1]!, info: open[2]!.trim(), quote, indent: new RegExp(`^ {0,${indent}}`), lines: [] };
      continue;
    }
    const underline = para.length ? line.match(SETEXT_UNDERLINE) : null;
    if (underline) {
      const text = joinLines(para);
      para = [];
      push(makeBlock('h', text, underline[1]![0] === '=' ? 1 : 2), quote);
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      flushPara();
      continue;
    }
    const heading = atxHeading(line);
    const item = heading ? null : line.match(LIST_ITEM);
    if (heading) {
      flushPara();
      push(makeBlock('h', heading.text, heading.level), quote);
    } else if (item && !/^\*\*/.test(line)) {
      flushPara();
      push(makeBlock('li', item[1]!, 0, line.match(/^\d/) ? line.match(/^\d+[.)]/)![0] : '-'), quote);
    } else para.push(line);
  }
  flushPara();
  // Its closing fence stood in a block quote that it did not: the code runs to the end, as in CommonMark.
  if (fence) push(makePre(fence.lines, fence.marker + fence.info), fence.quote);
  return blocks;
}

function joinLines(lines: readonly string[]): string {
  let out = lines[0] ?? '';
  for (const line of lines.slice(1)) out += cjkRatio(out.slice(-1)) > 0 && cjkRatio(line.slice(0, 1)) > 0 ? line : ` ${line}`;
  return out;
}

function makeBlock(kind: 'p' | 'h' | 'li', md: string, level: number, bullet = '-'): DumpBlock {
  const text = normalizeInline(markdownToPlain(md));
  const withoutImages = md.replace(IMAGE, '').trim();
  const link = withoutImages.match(LINK_ONLY);
  const prefix = kind === 'h' ? `${'#'.repeat(level)} ` : kind === 'li' ? `${bullet} ` : '';
  return { kind: text ? kind : 'img', text, md: normalizeInline(md) ? prefix + normalizeInline(md) : '', linkOnly: link ? link[2]! : null };
}

/** A fenced code block: its lines as written, nothing in them read as Markdown. */
function makePre(lines: readonly string[], opening: string): DumpBlock {
  const kept = lines.map((l) => l.replace(/\s+$/, ''));
  while (kept.length && !kept[0]!.trim()) kept.shift();
  while (kept.length && !kept[kept.length - 1]!.trim()) kept.pop();
  const text = kept.map((l) => normalizeInline(l)).join('\n').normalize('NFC');
  const fence = opening.match(/^(`+|~+)/)![0];
  return { kind: 'pre', text, md: text ? `${opening}\n${kept.join('\n').normalize('NFC')}\n${fence}` : '', linkOnly: null };
}

const isWechatUrl = (url: string | null) => !!url && /^https?:\/\/mp\.weixin\.qq\.com\//i.test(url);

/** Parses a Markdown dump into its front matter and the article, with page chrome removed. */
export function parseMarkdownDump(text: string, options: DumpOptions = {}): ParsedDump {
  const front = readFrontMatter(text);
  const meta = front?.meta ?? { title: null, url: null, source: null, date: null, fetchDate: null };
  const body = front?.body ?? text;
  let blocks = toBlocks(body).filter((b) => !(b.kind === 'h' && !b.text && !b.md) && !(b.text && CHROME_LINE.test(b.text)));
  const title = meta.title ?? blocks.find((b) => b.kind === 'h' && b.text)?.text ?? null;
  const coverMatch = body.match(/!\[cover[_ ]?image\]\(([^)\s]+)\)/i);

  // Header lines between the title heading and the first image or real paragraph: 原创, author, account name.
  let author: string | null = null;
  const titleIdx = title ? blocks.findIndex((b) => b.text === title) : -1;
  const lastTitleIdx = title ? blocks.map((b) => b.text).lastIndexOf(title) : -1;
  if (titleIdx >= 0) {
    const dropped = new Set<number>();
    for (let i = lastTitleIdx + 1; i < blocks.length && i <= lastTitleIdx + 5; i++) {
      const b = blocks[i]!;
      if (!b.text || b.text.length > 24 || /[，。！？；,.!?;]/.test(b.text)) break;
      if (HEADER_LABEL.test(b.text) || b.text === meta.source) dropped.add(i);
      else if (!author) {
        author = b.text;
        dropped.add(i);
      } else break;
    }
    // Without a 原创/account line the short lines were not a header after all.
    if (![...dropped].some((i) => HEADER_LABEL.test(blocks[i]!.text) || blocks[i]!.text === meta.source)) {
      dropped.clear();
      author = null;
    }
    blocks = blocks.filter((b, i) => !dropped.has(i));
  }
  blocks = blocks.filter((b) => !(title && b.text === title && (b.kind === 'h' || b.kind === 'p')));
  // Image-only blocks and their chrome; promotions; runs of link-only paragraphs (related articles).
  let afterPromo = false;
  const totalChars = blocks.reduce((n, b) => n + b.text.length, 0);
  let seenChars = 0;
  blocks = blocks.filter((b, i) => {
    seenChars += b.text.length;
    const inZone = seenChars >= totalChars * PROMO_ZONE;
    if (inZone && b.text && b.text.length <= 200 && PROMO.test(b.text)) return !(afterPromo = true);
    // The images right below a promotion are its QR codes.
    if (!b.text && afterPromo) return false;
    afterPromo = false;
    if (!b.linkOnly) return true;
    const prev = blocks[i - 1];
    const next = blocks[i + 1];
    return !(isWechatUrl(b.linkOnly) || prev?.linkOnly || next?.linkOnly);
  });
  const kept = trimBoilerplate(blocks, boilerplateFilter(options.config));
  const textOut = kept.filter((b) => b.text).map((b) => b.text).join('\n\n');
  const markdown = kept.filter((b) => b.md).map((b) => b.md).join('\n\n');
  const chinese = isWechatUrl(meta.url) || cjkRatio(textOut) > 0.3;
  const images = [...new Set([...markdown.matchAll(IMAGE)].map((m) => m[2]!).filter((u) => /^https?:/i.test(u)))];
  const links = [...new Set([...markdown.matchAll(LINK)].map((m) => m[1]!))];
  return {
    meta,
    extracted: {
      title,
      author,
      publishedAt: parseDate(meta.date, chinese ? '+08:00' : '+00:00'),
      modifiedAt: null,
      siteName: meta.source,
      langHint: null,
      canonicalUrl: meta.url ? canonicalizeUrl(meta.url) : null,
      text: textOut,
      markdown,
      leadImage: coverMatch?.[1] ?? images[0] ?? null,
      images,
      links,
    },
  };
}
