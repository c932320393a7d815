// Reading the xml2js tree that rss-parser builds on: strict first, then sax's forgiving mode for broken markup,
// whose upper-cased names are folded back to the spellings the feed dialects use.
import Parser from 'rss-parser';
import { VERBATIM_MARKUP } from './repair-xml.js';

export type XmlNode = Record<string, unknown>;

const CANONICAL: Record<string, string> = {
  pubdate: 'pubDate',
  lastbuilddate: 'lastBuildDate',
  managingeditor: 'managingEditor',
  webmaster: 'webMaster',
  'rdf:rdf': 'rdf:RDF',
  'rdf:about': 'rdf:about',
  ispermalink: 'isPermaLink',
  textinput: 'textInput',
  skiphours: 'skipHours',
  skipdays: 'skipDays',
};

export function fold(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fold);
  if (node === null || typeof node !== 'object') return node;
  const out: XmlNode = {};
  for (const [key, value] of Object.entries(node as XmlNode)) {
    if (key === '_') out[key] = value;
    else if (key === '$') {
      const attrs: XmlNode = {};
      for (const [a, v] of Object.entries(value as XmlNode)) {
        const lower = a.toLowerCase();
        attrs[CANONICAL[lower] ?? lower] = v;
      }
      out.$ = attrs;
    } else {
      const lower = key.toLowerCase();
      out[CANONICAL[lower] ?? lower] = fold(value);
    }
  }
  return out;
}

export const strictParser = new Parser({ xml2js: { strict: true } });
const looseParser = new Parser({ xml2js: { strict: false } });

function run(parser: Parser, xml: string): Promise<XmlNode> {
  const xp = (parser as unknown as { xmlParser: { parseString(s: string, cb: (e: Error | null, r: XmlNode) => void): void; reset(): void } }).xmlParser;
  return new Promise((resolve, reject) => {
    let settled = false;
    try {
      xp.reset();
      xp.parseString(xml, (err, result) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else if (!result) reject(new Error('empty document'));
        else resolve(result);
      });
    } catch (err) {
      if (!settled) {
        settled = true;
        reject(err as Error);
      }
    }
  });
}

/** The document tree and, when strict parsing failed, why. Throws only when even the forgiving parse finds nothing. */
export async function readXmlTree(xml: string): Promise<{ tree: XmlNode; strictError: string | null }> {
  try {
    return { tree: await run(strictParser, xml), strictError: null };
  } catch (err) {
    const strictError = ((err as Error).message || String(err)).split('\n')[0]!;
    let tree: XmlNode;
    try {
      tree = await run(looseParser, xml);
    } catch {
      // Truncated downloads and unclosed elements: close what is open and try once more.
      tree = await run(looseParser, closeOpenTags(xml));
    }
    return { tree: fold(tree) as XmlNode, strictError };
  }
}

/** Appends closing tags for elements still open at the end (markup inside CDATA and comments ignored). */
export function closeOpenTags(xml: string): string {
  const stack: string[] = [];
  // A CDATA section left open runs to the end: cut from the first one after the last "]]>" (a regex lookahead
  // per section would rescan the rest of the document for each).
  const lastEnd = xml.lastIndexOf(']]>');
  const open = xml.indexOf('<![CDATA[', Math.max(0, lastEnd));
  let body = open >= 0 ? xml.slice(0, open) : xml;
  body = body.replace(/<[^<>]*$/, '');
  const scan = body.replace(VERBATIM_MARKUP, '');
  for (const m of scan.matchAll(/<(\/?)([A-Za-z_][\w:.-]*)[^<>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose) continue;
    if (!close) stack.push(name!);
    else {
      const at = stack.lastIndexOf(name!);
      if (at >= 0) stack.length = at;
    }
  }
  return body + stack.reverse().map((n) => `</${n}>`).join('');
}

function stripPrefix(node: unknown, prefix: string): unknown {
  if (Array.isArray(node)) return node.map((n) => stripPrefix(n, prefix));
  if (node === null || typeof node !== 'object') return node;
  const out: XmlNode = {};
  for (const [key, value] of Object.entries(node as XmlNode)) {
    out[key !== '$' && key !== '_' && key.startsWith(prefix) ? key.slice(prefix.length) : key] = key === '$' || key === '_' ? value : stripPrefix(value, prefix);
  }
  return out;
}

/**
 * Brings unusual spellings of the feed dialects to the usual ones: an upper-case root (<RSS>), Atom written with a
 * prefix (<atom:feed>), RSS 1.0 elements written with one (<rss:item> inside <rdf:RDF>).
 */
export function normalizeRoot(tree: XmlNode): XmlNode {
  const root = Object.keys(tree)[0];
  if (!root) return tree;
  if (!['rss', 'feed', 'rdf:RDF', 'channel'].includes(root) && ['rss', 'feed', 'rdf:rdf', 'channel'].includes(root.toLowerCase())) {
    return normalizeRoot(fold(tree) as XmlNode);
  }
  const prefixed = root.match(/^([\w.-]+):feed$/);
  if (prefixed) return stripPrefix(tree, `${prefixed[1]}:`) as XmlNode;
  if (root === 'rdf:RDF') {
    const inner = tree[root] as XmlNode;
    const key = Object.keys(inner ?? {}).find((k) => /^[\w.-]+:(channel|item)$/.test(k) && !k.startsWith('rdf:'));
    if (key) return { 'rdf:RDF': stripPrefix(inner, `${key.split(':')[0]}:`) } as XmlNode;
  }
  return tree;
}

/** The first value of an xml2js child as text (element text, or `_` of an element with attributes). */
export function textOf(node: unknown): string | null {
  const v = Array.isArray(node) ? node[0] : node;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as XmlNode)._ === 'string') return (v as XmlNode)._ as string;
  return null;
}

export function attrOf(node: unknown, name: string): string | null {
  const v = Array.isArray(node) ? node[0] : node;
  const attrs = v && typeof v === 'object' ? ((v as XmlNode).$ as XmlNode | undefined) : undefined;
  const a = attrs?.[name];
  return typeof a === 'string' ? a : null;
}

export function children(node: unknown, name: string): unknown[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as XmlNode)[name];
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}
