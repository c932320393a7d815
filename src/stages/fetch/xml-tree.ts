// Reading the xml2js tree that rss-parser builds on: strict first, then sax's forgiving mode for broken markup,
// whose upper-cased names are folded back to the spellings the feed dialects use.
import Parser from 'rss-parser';
import { MAX_NESTING } from '../../domain/html.js';

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

function foldName(name: string): string {
  const lower = name.toLowerCase();
  return CANONICAL[lower] ?? lower;
}

export function fold(node: unknown): unknown {
  return renameKeys(node, foldName, (attrs) => Object.fromEntries(Object.entries(attrs).map(([a, v]) => [foldName(a), v])));
}

/**
 * A copy of an xml2js tree with its element names renamed and its attributes mapped. A loop, not recursion: broken
 * markup nests thousands deep, and a call per level ran out of stack.
 */
function renameKeys(tree: unknown, rename: (name: string) => string, mapAttrs: (attrs: XmlNode) => unknown): unknown {
  const top: unknown[] = [tree];
  // Each entry is a slot holding a node of the original tree, to be replaced with its copy.
  const slots: Array<[Record<string | number, unknown>, string | number]> = [[top as unknown as Record<number, unknown>, 0]];
  for (let slot = slots.pop(); slot; slot = slots.pop()) {
    const [holder, at] = slot;
    const node = holder[at];
    if (Array.isArray(node)) {
      const copy = [...node];
      holder[at] = copy;
      for (let i = 0; i < copy.length; i++) slots.push([copy as unknown as Record<number, unknown>, i]);
    } else if (node !== null && typeof node === 'object') {
      const out: XmlNode = {};
      for (const [key, value] of Object.entries(node as XmlNode)) {
        if (key === '_') out._ = value;
        else if (key === '$') out.$ = mapAttrs(value as XmlNode);
        else {
          const name = rename(key);
          // Two names renamed alike: the last one's value is kept, and copied once.
          if (!Object.hasOwn(out, name)) slots.push([out, name]);
          out[name] = value;
        }
      }
      holder[at] = out;
    }
  }
  return top[0];
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
    return { tree: fold(await run(looseParser, balanceTags(xml))) as XmlNode, strictError };
  }
}

// sax's nameStart and nameBody: names are read here as sax will read them.
const NAME_START = String.raw`:_A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD`;
const NAME_BODY = String.raw`${NAME_START}\u00B7\u0300-\u036F\u203F-\u2040.\d-`;
const START_NAME = new RegExp(`[${NAME_START}][${NAME_BODY}]*`, 'y');
// After "</" sax skips to a name, and after the name to '>'.
const END_TAG_REST = new RegExp(`[^${NAME_START}]*([${NAME_START}][${NAME_BODY}]*)(?![${NAME_BODY}])[^>]*>`, 'y');

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Past the end of `token` searched from `from`, or -1 when it never comes (the markup runs to the end). */
function after(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  return at < 0 ? -1 : at + token.length;
}

/** Past the '>' of a start tag whose attributes begin at `from` ('>' inside a quoted value does not end it), or -1. */
function startTagEnd(xml: string, from: number): number {
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (c === '>') return i + 1;
    if (c !== '=') continue;
    let v = i + 1;
    while (isSpace(xml[v])) v++;
    if (xml[v] === '"' || xml[v] === "'") {
      i = xml.indexOf(xml[v]!, v + 1);
      if (i < 0) return -1;
    }
  }
  return -1;
}

/**
 * Past a DOCTYPE whose name ends before `from`, or -1. As in sax, a '<' in its internal subset that opens anything but
 * a declaration ends it there, and the markup is read on its own.
 */
function doctypeEnd(xml: string, from: number): number {
  let subset = false;
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (c === '"' || c === "'") {
      i = xml.indexOf(c, i + 1);
      if (i < 0) return -1;
    } else if (!subset) {
      if (c === '>') return i + 1;
      subset = c === '[';
    } else if (c === ']') subset = false;
    else if (c === '<') {
      if (xml[i + 1] !== '!' || xml.startsWith('--', i + 2)) return i;
      if (xml[i + 2] === '>') return i + 3;
      i++;
    }
  }
  return -1;
}

/**
 * Readies broken markup for sax's forgiving mode, in one pass that reads tags, comments, CDATA and scripts as sax
 * does and keeps its stack of open elements. End tags that close nothing are dropped: sax searches every open element
 * for each (40,000 under 40,000 open ones took 40 s), then keeps the tag as text. Start tags nested deeper than
 * MAX_NESTING are dropped with their end tags, as pages and item HTML are cut. Markup left unfinished at the end (a
 * truncated download) is cut, and elements still open are closed, since sax leaves them unread.
 */
export function balanceTags(xml: string, maxDepth: number = MAX_NESTING): string {
  // Open elements, outermost first: names as written, and upper-cased as sax matches them, with a count per name
  // so that an end tag matching none costs no search.
  const names: string[] = [];
  const keys: string[] = [];
  const openCount = new Map<string, number>();
  const out: string[] = [];
  let kept = 0;
  const drop = (from: number, to: number) => {
    out.push(xml.slice(kept, from));
    kept = to;
  };
  const open = (name: string, from: number, to: number) => {
    if (names.length >= maxDepth) drop(from, to);
    const key = name.toUpperCase();
    names.push(name);
    keys.push(key);
    openCount.set(key, (openCount.get(key) ?? 0) + 1);
  };
  const close = (name: string, from: number, to: number) => {
    const key = name.toUpperCase();
    if (!openCount.get(key)) return drop(from, to);
    // Like sax, close every element opened inside the one this tag closes.
    let closed: string;
    do {
      closed = keys.pop()!;
      names.pop();
      openCount.set(closed, openCount.get(closed)! - 1);
    } while (closed !== key);
    if (keys.length >= maxDepth) drop(from, to);
  };
  let cut = xml.length;
  for (let at = xml.indexOf('<'); at >= 0; ) {
    let i = at + 1;
    while (isSpace(xml[i])) i++;
    const c = xml[i];
    let end: number;
    if (c === undefined) end = -1;
    else if (c === '?') end = after(xml, '?>', i + 1);
    else if (c === '!') {
      if (xml.startsWith('--', i + 1)) end = after(xml, '-->', i + 3);
      else if (xml.slice(i + 1, i + 8).toUpperCase() === '[CDATA[') end = after(xml, ']]>', i + 8);
      else if (xml.slice(i + 1, i + 8).toUpperCase() === 'DOCTYPE') end = doctypeEnd(xml, i + 8);
      else end = after(xml, '>', i + 1);
    } else if (c === '/') {
      END_TAG_REST.lastIndex = i + 1;
      const m = END_TAG_REST.exec(xml);
      end = m ? END_TAG_REST.lastIndex : -1;
      if (m) close(m[1]!, at, end);
    } else {
      START_NAME.lastIndex = i;
      const name = START_NAME.exec(xml)?.[0];
      if (!name) {
        // Not markup: sax keeps the '<' and the character after it as text.
        at = xml.indexOf('<', i + 1);
        continue;
      }
      end = startTagEnd(xml, START_NAME.lastIndex);
      if (end >= 0 && xml[end - 2] !== '/') {
        // sax reads a script's text raw, up to "</script>".
        const script = name.toLowerCase() === 'script' ? xml.indexOf('</script>', end) : null;
        if (script === -1) end = -1;
        else {
          open(name, at, end);
          if (script !== null) {
            at = script;
            continue;
          }
        }
      }
    }
    if (end < 0) {
      cut = at;
      break;
    }
    at = xml.indexOf('<', end);
  }
  out.push(xml.slice(kept, cut));
  for (let i = Math.min(names.length, maxDepth) - 1; i >= 0; i--) out.push(`</${names[i]}>`);
  return out.join('');
}

function stripPrefix(node: unknown, prefix: string): unknown {
  return renameKeys(node, (name) => (name.startsWith(prefix) ? name.slice(prefix.length) : name), (attrs) => attrs);
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
