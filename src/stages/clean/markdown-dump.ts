// Markdown dumps of web pages (YAML front matter: title, url, source, date, fetch_date; then the page as Markdown):
// the article's text without the page chrome that such dumps keep (WeChat follow prompts, QR promotions, link lists).
import { parse as parseYaml } from 'yaml';
import { canonicalizeUrl } from '../../domain/canonical-url.js';
import { boilerplateFilter, trimBoilerplate } from './boilerplate.js';
import type { CleanConfig } from './config.js';
import { parseDate } from './dates.js';
import { MARKDOWN_URL_PART, type Block } from './render.js';
import { cjkRatio, normalizeInline } from './text.js';
import type { Extracted } from './types.js';

export interface DumpMeta {
  title: string | null;
  url: string | null;
  source: string | null;
  date: string | null;
  fetchDate: string | null;
}

export interface ParsedDump {
  meta: DumpMeta;
  extracted: Extracted;
}

export interface DumpOptions {
  config?: Partial<CleanConfig>;
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
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

function asString(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const s = String(v).trim();
  return s || null;
}

function readFrontMatter(text: string): { meta: DumpMeta; body: string } {
  const m = text.match(FRONT_MATTER);
  let data: Record<string, unknown> = {};
  if (m) {
    try {
      const parsed: unknown = parseYaml(m[1]!);
      if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
    } catch {
      // A broken header leaves the body readable; the fields are simply unknown.
    }
  }
  const body = m ? text.slice(m[0].length) : text;
  return {
    meta: {
      title: asString(data['title']),
      url: asString(data['url'] ?? data['link']),
      source: asString(data['source'] ?? data['site'] ?? data['account']),
      date: asString(data['date'] ?? data['published'] ?? data['publishedAt']),
      fetchDate: asString(data['fetch_date'] ?? data['fetchDate'] ?? data['fetched']),
    },
    body,
  };
}

/** Inline Markdown to plain text: emphasis, code and link markup go, their words stay. */
export function markdownToPlain(md: string): string {
  return md
    .replace(IMAGE, '')
    .replace(INLINE_LINK, '$1')
    .replace(/<[^<>]+>/g, '')
    .replace(/(\*\*|__|~~)/g, '')
    .replace(/(^|[^\\\w])[*_]([^*_\n]+)[*_](?=$|[^\w])/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1');
}

interface DumpBlock extends Block {
  linkOnly: string | null;
}

function toBlocks(body: string): DumpBlock[] {
  const joined = body.replace(/\r\n?/g, '\n').replace(MULTILINE_LINK, (all) => all.replace(/\s*\n\s*/g, ' '));
  const blocks: DumpBlock[] = [];
  for (const chunk of joined.split(/\n[ \t]*\n/)) {
    let para: string[] = [];
    const flushPara = () => {
      if (para.length) blocks.push(makeBlock('p', joinLines(para), 0));
      para = [];
    };
    for (const raw of chunk.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      const heading = line.match(/^(#{1,6})(?:\s+(.*?))?\s*#*$/);
      const item = line.match(/^(?:[*+-]|\d+[.)])\s+(.*)$/);
      if (heading) {
        flushPara();
        blocks.push(makeBlock('h', heading[2] ?? '', heading[1]!.length));
      } else if (item && !/^\*\*/.test(line)) {
        flushPara();
        blocks.push(makeBlock('li', item[1]!, 0, line.match(/^\d/) ? line.match(/^\d+[.)]/)![0] : '-'));
      } else para.push(line);
    }
    flushPara();
  }
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

const isWechatUrl = (url: string | null) => !!url && /^https?:\/\/mp\.weixin\.qq\.com\//i.test(url);

/** Parses a Markdown dump into its front matter and the article, with page chrome removed. */
export function parseMarkdownDump(text: string, options: DumpOptions = {}): ParsedDump {
  const { meta, body } = readFrontMatter(text);
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
