// Atom text constructs (RFC 4287 §3.1: title, subtitle, summary, content, rights) and Atom 0.3 content constructs
// (a MIME type, mode escaped|xml|base64): whether their characters are plain text to show as they are, or markup.
import { RAW_MARKUP_ATTR } from './repair-xml.js';
import { collapseText, htmlToText, textToHtml } from './sanitize.js';
import { attrOf, type XmlNode } from './xml-tree.js';

/** A construct's characters and what they are: plain `text`, or `html` source (escaped HTML or inline XHTML). */
export interface AtomText {
  kind: 'text' | 'html';
  value: string;
}

// application/xhtml+xml, application/xml, text/xml, image/svg+xml...: inline XML, as Atom 0.3 mode="xml" carries it.
const XML_MEDIA = /^[a-z]+\/([\w.-]+\+)?xml$/;

function hasChildElements(el: XmlNode): boolean {
  return Object.keys(el).some((k) => k !== '_' && k !== '$');
}

/**
 * `markup` says the element held real tags rather than escaped characters. Inline XML (xhtml, Atom 0.3's default
 * mode) is markup in its elements and text in its character data. A text construct must not hold elements; one that
 * does was written by a producer who meant them as markup, so they are read as HTML rather than shown as tags.
 */
function kindOf(type: string, mode: string, markup: boolean): AtomText['kind'] | null {
  if (type === 'html' || type === 'text/html') return 'html';
  if (type === 'xhtml' || XML_MEDIA.test(type)) return markup || mode === 'escaped' || mode === 'base64' ? 'html' : 'text';
  // No type means text (RFC 4287 §3.1.1; Atom 0.3's default is text/plain).
  if (type === '' || type === 'text' || type.startsWith('text/')) return markup ? 'html' : 'text';
  // Images, PDFs and other media carried in the feed: nothing to read.
  return null;
}

/**
 * The content of a type="xhtml" construct: the xhtml:div around it is not part of it (RFC 4287 §3.1.1.3), and a
 * namespace prefix the div carries is dropped from every tag so the sanitizer recognises <p> in <xhtml:p>.
 */
function xhtmlBody(markup: string): string {
  const open = markup.match(/^\s*<(?:([\w.-]+):)?div\b/);
  if (!open) return markup;
  const prefix = open[1];
  const body = prefix ? markup.replaceAll(`</${prefix}:`, '</').replaceAll(`<${prefix}:`, '<') : markup;
  let depth = 0;
  for (const m of body.matchAll(/<(\/?)div\b[^<>]*?(\/?)>/gi)) {
    if (m[2]) continue;
    depth += m[1] ? -1 : 1;
    if (depth > 0) continue;
    // The first div closes here: unwrap it only when nothing follows, else the content is more than that one div.
    if (body.slice(m.index + m[0].length).trim()) return body;
    const start = body.indexOf('>') + 1;
    return body.slice(start, m.index);
  }
  return body;
}

/**
 * Reads one construct from the xml2js tree. `fallback` is rss-parser's serialization of the element, used when the
 * parser kept its child elements apart instead of as text (markup the repair pass could not wrap).
 */
export function readAtomText(node: unknown, fallback?: unknown): AtomText | null {
  const v = Array.isArray(node) ? node[0] : node;
  if (typeof v !== 'string' && (!v || typeof v !== 'object')) return null;
  const el: XmlNode = typeof v === 'string' ? { _: v } : (v as XmlNode);
  const type = (attrOf(el, 'type') ?? '').split(';')[0]!.trim().toLowerCase();
  const mode = (attrOf(el, 'mode') ?? '').trim().toLowerCase();
  const elements = hasChildElements(el);
  let value = typeof el._ === 'string' ? el._ : elements && typeof fallback === 'string' ? fallback : null;
  if (value === null) return null;
  if (mode === 'base64') value = Buffer.from(value.replace(/\s+/g, ''), 'base64').toString('utf8');
  const kind = kindOf(type, mode, mode !== 'base64' && (elements || attrOf(el, RAW_MARKUP_ATTR) !== null));
  if (!kind || !value.trim()) return null;
  return { kind, value: kind === 'html' && type === 'xhtml' ? xhtmlBody(value) : value };
}

/** The construct as HTML for the item sanitizer: plain text escaped so it shows as the characters it is. */
export function atomHtml(text: AtomText | null): string | null {
  if (!text) return null;
  return text.kind === 'html' ? text.value : textToHtml(text.value);
}

/** The construct as one line of plain text, for titles: tags in HTML dropped, "<" in plain text kept. */
export function atomPlainText(text: AtomText | null): string | null {
  if (!text) return null;
  return text.kind === 'html' ? htmlToText(text.value) : collapseText(text.value);
}
