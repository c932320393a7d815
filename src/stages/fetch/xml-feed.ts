// RSS 0.9x, RSS 1.0 (RDF), RSS 2.0 and Atom 0.3/1.0 trees to the normalized feed shape. rss-parser maps the
// common fields of each item; what it leaves out (xml:base, dates it cannot read, media, Atom 0.3 names) is read here.
import { createRequire } from 'node:module';
import { sha256Hex } from '../../domain/ids.js';
import { atomHtml, atomPlainText, readAtomText } from './atom-text.js';
import { assumedOffsetMinutes, parseFeedDate } from './parse-date.js';
import { sanitizeItemHtml, toPlainText } from './sanitize.js';
import type { FeedItem, ParsedFeed } from './types.js';
import { attrOf, children, normalizeRoot, strictParser, textOf, type XmlNode } from './xml-tree.js';

type Format = ParsedFeed['format'];
type BuiltItem = { title?: unknown; link?: string; content?: string; summary?: string; guid?: unknown; id?: string; author?: string; enclosure?: { url?: string; type?: string } };

interface Builders {
  parseItemAtom(entry: XmlNode): BuiltItem;
  parseItemRss(item: XmlNode, fields: unknown[]): BuiltItem;
}
const builders = strictParser as unknown as Builders;

// rss-parser's item builders also make a `contentSnippet` (unused here) with patterns that scan from every '<' to the
// next '>': an item of 20,000 "<link " took 4 s, and the time grows with the square of its length. Its helper is
// replaced with the same patterns stopped at the next '<', which cost no more than the text is long.
const rssUtils = createRequire(import.meta.url)('rss-parser/lib/utils.js') as { stripHtml(s: string): string };
rssUtils.stripHtml = (str) =>
  str.replace(/([^\n])<\/?(h|br|p|ul|ol|li|blockquote|section|table|tr|div)[^<>]*>([^\n])/gm, '$1\n$3').replace(/<[^<>]*>/gm, '');
const RSS_FIELDS = ['title', 'link', 'pubDate', 'author', 'content:encoded', 'enclosure', 'dc:creator', 'dc:date', 'comments'];

function resolve(ref: string | null | undefined, base: string | null | undefined): string | null {
  if (!ref) return null;
  const r = ref.trim();
  if (!r) return null;
  try {
    return new URL(r, base ?? undefined).href;
  } catch {
    return /^[a-z][a-z0-9+.-]*:/i.test(r) ? r : null;
  }
}

function safe<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

/** "jane@example.org (Jane Doe)" → "Jane Doe"; Atom <author><name>. */
function authorOf(raw: XmlNode, built: BuiltItem, feedAuthor: string | null): string | null {
  const atom = children(raw, 'author')[0];
  const name = textOf(children(atom, 'name')) ?? textOf(children(raw, 'dc:creator')) ?? (typeof built.author === 'string' ? built.author : null) ?? textOf(children(raw, 'itunes:author')) ?? feedAuthor;
  if (!name) return null;
  const paren = name.match(/^\s*\S+@\S+\s*\((.+)\)\s*$/);
  return toPlainText(paren ? paren[1] : name);
}

function imagesOf(raw: XmlNode, base: string | null): string[] {
  const out: string[] = [];
  const add = (url: string | null) => {
    const abs = resolve(url, base);
    if (abs && /^https?:/.test(abs) && !out.includes(abs)) out.push(abs);
  };
  for (const enc of children(raw, 'enclosure')) {
    const type = attrOf(enc, 'type') ?? '';
    const url = attrOf(enc, 'url');
    if (type.startsWith('image/') || (!type && /\.(jpe?g|png|gif|webp|avif)(\?|$)/i.test(url ?? ''))) add(url);
  }
  const media = [raw, ...children(raw, 'media:group')];
  for (const node of media) {
    for (const c of children(node, 'media:content')) {
      const type = attrOf(c, 'type') ?? '';
      const medium = attrOf(c, 'medium') ?? '';
      if (medium === 'image' || type.startsWith('image/')) add(attrOf(c, 'url'));
    }
    for (const t of children(node, 'media:thumbnail')) add(attrOf(t, 'url'));
  }
  add(attrOf(children(raw, 'itunes:image'), 'href'));
  for (const l of children(raw, 'link')) {
    if (attrOf(l, 'rel') === 'enclosure' && (attrOf(l, 'type') ?? '').startsWith('image/')) add(attrOf(l, 'href'));
  }
  return out;
}

/** Atom <link>s: rel=alternate (or no rel) first, then any with an href. */
function atomLink(raw: XmlNode): string | null {
  const links = children(raw, 'link');
  const alt = links.find((l) => (attrOf(l, 'rel') ?? 'alternate') === 'alternate' && attrOf(l, 'href'));
  return attrOf(alt ?? links.find((l) => attrOf(l, 'href')), 'href') ?? textOf(links);
}

function normalizeItem(raw: XmlNode, format: Format, feedBase: string | null, assumeOffsetMinutes: number, feedAuthor: string | null): FeedItem {
  const isAtom = format === 'atom';
  const built: BuiltItem = safe(() => (isAtom ? builders.parseItemAtom(raw) : builders.parseItemRss(raw, RSS_FIELDS))) ?? {};
  const base = resolve(attrOf(raw, 'xml:base'), feedBase) ?? feedBase;
  const guidRaw = textOf(children(raw, 'guid'));
  const permaLink = attrOf(children(raw, 'guid'), 'isPermaLink') !== 'false';
  // An empty <link/> is common; fall through it to rdf:about or a permalink GUID.
  const rawLink = isAtom
    ? atomLink(raw)
    : textOf(children(raw, 'link'))?.trim() || attrOf(raw, 'rdf:about') || (permaLink && guidRaw && /^https?:\/\//.test(guidRaw.trim()) ? guidRaw : null);
  const link = resolve(rawLink || (typeof built.link === 'string' ? built.link : null), base);
  // Atom says whether a title is text or HTML; RSS titles are HTML by custom.
  const title = isAtom
    ? atomPlainText(readAtomText(children(raw, 'title'), built.title))
    : toPlainText(textOf(children(raw, 'title')) ?? (typeof built.title === 'string' ? built.title : null));
  const dateOpts = { assumeOffsetMinutes };
  const firstDate = (...names: string[]) => {
    for (const n of names) {
      const d = parseFeedDate(textOf(children(raw, n)), dateOpts);
      if (d) return d;
    }
    return null;
  };
  const updatedAt = firstDate('updated', 'modified', 'atom:updated', 'a10:updated', 'dcterms:modified');
  // Atom makes <published> optional; <updated> is then the best date there is.
  const publishedAt = firstDate('pubDate', 'published', 'dc:date', 'issued', 'created', 'atom:published', 'dcterms:created', 'dcterms:issued') ?? updatedAt;
  const contentRaw = isAtom ? atomHtml(readAtomText(children(raw, 'content'), built.content)) : textOf(children(raw, 'content:encoded'));
  const summaryRaw = isAtom ? atomHtml(readAtomText(children(raw, 'summary'), built.summary)) : textOf(children(raw, 'description')) ?? textOf(children(raw, 'itunes:summary'));
  const contentHtml = sanitizeItemHtml(contentRaw, link ?? base ?? undefined);
  const summary = sanitizeItemHtml(summaryRaw, link ?? base ?? undefined);
  const explicitId = (isAtom ? textOf(children(raw, 'id')) : guidRaw) ?? attrOf(raw, 'rdf:about');
  const id = explicitId?.trim() || link || `sha256:${sha256Hex(`${title ?? ''}\n${publishedAt ?? updatedAt ?? ''}\n${summary ?? ''}`).slice(0, 32)}`;
  return { id, link, title, author: authorOf(raw, built, feedAuthor), publishedAt, updatedAt, contentHtml, summary, images: imagesOf(raw, link ?? base) };
}

const PERIOD_SECONDS: Record<string, number> = { hourly: 3600, daily: 86_400, weekly: 604_800, monthly: 2_592_000, yearly: 31_536_000 };

function ttlOf(channel: XmlNode): number | null {
  const ttl = Number(textOf(children(channel, 'ttl')));
  if (Number.isFinite(ttl) && ttl > 0) return ttl * 60;
  const period = textOf(children(channel, 'sy:updatePeriod'))?.trim().toLowerCase();
  if (period && PERIOD_SECONDS[period]) {
    const freq = Number(textOf(children(channel, 'sy:updateFrequency')) ?? 1);
    return Math.round(PERIOD_SECONDS[period] / (Number.isFinite(freq) && freq > 0 ? freq : 1));
  }
  return null;
}

/** The normalized feed from an xml2js tree, or null when the root is not a feed dialect. */
export function feedFromTree(document: XmlNode, feedUrl: string | null): Omit<ParsedFeed, 'malformed' | 'repairs' | 'encoding'> | null {
  const tree = normalizeRoot(document);
  let format: Format;
  let channel: XmlNode;
  let items: unknown[];
  let root: XmlNode;
  if (tree.feed) {
    format = 'atom';
    root = channel = tree.feed as XmlNode;
    items = children(channel, 'entry');
  } else if (tree['rdf:RDF']) {
    format = 'rdf';
    root = tree['rdf:RDF'] as XmlNode;
    channel = (children(root, 'channel')[0] as XmlNode | undefined) ?? {};
    // RSS 1.0 puts items beside the channel; some producers nest them inside it.
    items = [...children(root, 'item'), ...children(channel, 'item')];
  } else if (tree.rss || tree.channel) {
    format = 'rss';
    root = (tree.rss ?? tree) as XmlNode;
    channel = (children(root, 'channel')[0] as XmlNode | undefined) ?? {};
    items = [...children(channel, 'item'), ...children(root, 'item')];
  } else return null;

  const channelLink = format === 'atom' ? atomLink(channel) : textOf(children(channel, 'link'));
  // Without the feed's own URL (a local file), an absolute channel link is the best base for relative item links.
  const base = resolve(attrOf(root, 'xml:base') ?? attrOf(channel, 'xml:base'), feedUrl) ?? feedUrl ?? resolve(channelLink, null);
  const lang = attrOf(root, 'xml:lang') ?? textOf(children(channel, 'language')) ?? textOf(children(channel, 'dc:language'));
  const sample = [textOf(children(channel, 'title')), ...items.slice(0, 5).map((i) => textOf(children(i, 'title')))].join(' ');
  const assume = assumedOffsetMinutes(lang, sample);
  const link = resolve(channelLink, base);
  // Atom entries without an author inherit the feed's.
  const feedAuthor = format === 'atom' ? textOf(children(children(channel, 'author')[0], 'name')) : null;
  return {
    format,
    title: format === 'atom' ? atomPlainText(readAtomText(children(channel, 'title'))) : toPlainText(textOf(children(channel, 'title'))),
    link,
    ttlSeconds: format === 'atom' ? null : ttlOf(channel),
    items: items.filter((i): i is XmlNode => !!i && typeof i === 'object').map((i) => normalizeItem(i, format, base, assume, feedAuthor)),
  };
}
