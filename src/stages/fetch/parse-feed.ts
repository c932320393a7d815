// parseFeed: bytes or text of any feed dialect to the normalized shape. It never throws: a broken feed gives what
// could be recovered and `malformed` says why.
import { decodeBody } from '../../domain/encoding.js';
import { feedFromJson, isJsonFeed } from './json-feed.js';
import { repairXml } from './repair-xml.js';
import type { ParsedFeed, ParseFeedOptions } from './types.js';
import { feedFromTree } from './xml-feed.js';
import { readXmlTree } from './xml-tree.js';

function empty(reason: string, extra: Partial<ParsedFeed> = {}): ParsedFeed {
  return { format: 'unknown', title: null, link: null, ttlSeconds: null, items: [], malformed: { reason }, repairs: [], encoding: null, ...extra };
}

/** Feeds an HTML page announces with <link rel="alternate" type="application/rss+xml|atom+xml|feed+json">. */
export function discoverFeeds(html: string, base: string | null): string[] {
  const found: string[] = [];
  for (const [tag] of html.slice(0, 256 * 1024).matchAll(/<link\b[^>]*>/gi)) {
    if (!/rel\s*=\s*["']?[^"'>]*alternate/i.test(tag) || !/type\s*=\s*["']?application\/(rss\+xml|atom\+xml|feed\+json)/i.test(tag)) continue;
    const href = tag.match(/href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i);
    const value = href?.[1] ?? href?.[2] ?? href?.[3];
    if (!value) continue;
    try {
      const abs = new URL(value, base ?? undefined).href;
      if (!found.includes(abs)) found.push(abs);
    } catch {
      // a relative href without a base cannot be shown usefully
    }
  }
  return found;
}

function looksJson(text: string, contentType: string | undefined): boolean {
  return /json/i.test(contentType ?? '') || /^\s*[{[]/.test(text);
}

export async function parseFeed(body: Buffer | string, opts: ParseFeedOptions = {}): Promise<ParsedFeed> {
  const url = opts.url ?? null;
  let text: string;
  let encoding: string | null = null;
  const repairs: string[] = [];
  try {
    if (typeof body === 'string') text = body;
    else {
      const decoded = decodeBody(body, opts.contentType, opts.defaultEncoding ?? 'utf-8');
      text = decoded.text;
      encoding = decoded.encoding;
      if (decoded.source === 'sniffed') repairs.push('wrong-declared-encoding');
    }
  } catch (err) {
    return empty(`cannot decode: ${(err as Error).message}`);
  }
  const trimmed = text.replace(/^\uFEFF/, '');
  if (!trimmed.trim()) return empty('empty document', { encoding });

  if (looksJson(trimmed, opts.contentType) && !/^\s*</.test(trimmed)) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      return empty(`invalid JSON: ${(err as Error).message}`, { format: 'json', encoding });
    }
    if (!isJsonFeed(doc)) return empty('JSON document is not a JSON Feed', { format: 'json', encoding });
    try {
      return { ...feedFromJson(doc, url), malformed: null, repairs, encoding };
    } catch (err) {
      return empty(`JSON Feed not understood: ${(err as Error).message}`, { format: 'json', encoding });
    }
  }

  const fixed = repairXml(trimmed);
  repairs.push(...fixed.repairs);
  let tree;
  try {
    tree = await readXmlTree(fixed.xml);
  } catch (err) {
    return empty(`not XML: ${((err as Error).message || String(err)).split('\n')[0]}`, { repairs, encoding });
  }
  try {
    const feed = feedFromTree(tree.tree, url);
    if (!feed) {
      const root = Object.keys(tree.tree)[0] ?? 'nothing';
      const links = discoverFeeds(trimmed, url);
      const hint = links.length ? `; the page links to ${links.join(', ')}` : '';
      return empty(`not a feed: the document root is <${root}>${hint}`, { repairs, encoding });
    }
    const malformed = tree.strictError ? { reason: `not well-formed XML (${tree.strictError}); recovered leniently` } : null;
    return { ...feed, malformed, repairs, encoding };
  } catch (err) {
    return empty(`feed not understood: ${(err as Error).message}`, { repairs, encoding });
  }
}
