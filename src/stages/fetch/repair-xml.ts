// The tolerant pre-pass: repairs what browsers and mature feed readers tolerate before a strict XML parser sees it.
// Each repair is named so a user debugging a source can see what was wrong with it.
import { decodeHTMLStrict } from 'entities';

export interface Repaired {
  xml: string;
  repairs: string[];
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
// Characters XML 1.0 forbids: C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
const INVALID_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Elements whose text is HTML in every dialect.
const HTML_BEARING_OPEN = /<(description|content:encoded|summary|content|title|subtitle|itunes:summary)(?:\s[^<>]*)?>/g;
/** A DOCTYPE with its internal subset; neither runs past the next DOCTYPE, so a run of unclosed ones stays linear. */
const DOCTYPE = String.raw`<!DOCTYPE(?:[^[<>]|\[(?:[^\]<]|<(?!!DOCTYPE))*\])*>`;
const DOCTYPE_DECL = new RegExp(DOCTYPE, 'gi');
/** Markup kept verbatim: CDATA, comments, processing instructions (each to its end or the document's), DOCTYPE. */
export const VERBATIM_MARKUP = new RegExp(String.raw`<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$)|${DOCTYPE}`, 'gi');

/**
 * Set on an element whose markup was wrapped in CDATA. Once wrapped, raw tags and escaped text ("&lt;b&gt;") read
 * the same, yet an Atom type="text" construct needs to know which it had: escaped text is text, tags are markup.
 */
export const RAW_MARKUP_ATTR = 'newsflow-raw-markup';

/**
 * HTML pasted into a text element without CDATA or escaping: the markup belongs to the text, so it is wrapped in
 * CDATA. XHTML content bodies are wrapped too: the tree parser would lose the order of their mixed text and tags.
 * One pass; an element whose closing tag never comes is left alone, and that is remembered so a document full of
 * unclosed elements costs linear time, not quadratic.
 */
function wrapMarkupInText(xml: string, found: Set<string>): string {
  const out: string[] = [];
  const noCloseFrom = new Map<string, number>();
  let last = 0;
  HTML_BEARING_OPEN.lastIndex = 0;
  for (let m = HTML_BEARING_OPEN.exec(xml); m; m = HTML_BEARING_OPEN.exec(xml)) {
    const [open, name] = m as unknown as [string, string];
    if (open.endsWith('/>')) continue;
    const innerStart = m.index + open.length;
    const closeTag = `</${name}`;
    const known = noCloseFrom.get(name);
    if (known !== undefined && innerStart >= known) continue;
    const close = xml.indexOf(closeTag, innerStart);
    if (close < 0) {
      noCloseFrom.set(name, innerStart);
      continue;
    }
    const closeEnd = xml.indexOf('>', close);
    if (closeEnd < 0) continue;
    const inner = xml.slice(innerStart, close);
    if (!/<[A-Za-z/!]/.test(inner) || inner.includes('<![CDATA[')) continue;
    // Inline XML content (Atom 1.0 xhtml, Atom 0.3 application/xhtml+xml) is well-formed as it was: no repair to report.
    if (!/\btype\s*=\s*["'](?:xhtml|[a-z]+\/(?:[\w.-]+\+)?xml)["']/i.test(open)) found.add('markup-in-text');
    const marked = `${open.slice(0, -1)} ${RAW_MARKUP_ATTR}="1">`;
    out.push(xml.slice(last, m.index), marked, '<![CDATA[', inner.replace(/\]\]>/g, ']]]]><![CDATA[>'), ']]>');
    last = close;
    HTML_BEARING_OPEN.lastIndex = closeEnd + 1;
  }
  out.push(xml.slice(last));
  return out.join('');
}
// An ampersand and what follows it, up to a possible entity end.
const AMP = /&(#x[0-9a-fA-F]+;|#[0-9]+;|[A-Za-z][A-Za-z0-9]*;?)?/g;

function fixEntities(text: string, found: Set<string>): string {
  return text.replace(AMP, (whole, ref: string | undefined) => {
    if (!ref) {
      found.add('bare-ampersand');
      return '&amp;';
    }
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2, -1), 16) : parseInt(ref.slice(1, -1), 10);
      const ok = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (ok) return whole;
      found.add('invalid-character-reference');
      return '';
    }
    if (ref.endsWith(';')) {
      const name = ref.slice(0, -1);
      if (XML_ENTITIES.has(name)) return whole;
      const decoded = decodeHTMLStrict(whole);
      if (decoded !== whole) {
        found.add('html-entity');
        return [...decoded].map((c) => `&#${c.codePointAt(0)};`).join('');
      }
    }
    // "&foo" without ';' or an unknown name: the ampersand was meant literally (a URL query, "AT&T").
    found.add('bare-ampersand');
    return `&amp;${ref}`;
  });
}

/** Repairs a feed document; CDATA sections, comments and processing instructions are left as they are. */
export function repairXml(input: string): Repaired {
  const found = new Set<string>();
  let xml = input;
  if (xml.charCodeAt(0) === 0xfeff) {
    xml = xml.slice(1);
    found.add('bom');
  }
  const start = xml.search(/<[?!a-zA-Z]/);
  if (start > 0) {
    found.add('junk-before-xml');
    xml = xml.slice(start);
  }
  // An XML declaration anywhere but first is a fatal error; drop one that follows whitespace or a stray comment.
  const decl = xml.indexOf('<?xml');
  if (decl > 0) {
    const end = xml.indexOf('?>', decl);
    if (end > 0) {
      xml = xml.slice(0, decl) + xml.slice(end + 2);
      found.add('misplaced-xml-declaration');
    }
  }
  xml = wrapMarkupInText(xml, found);
  const cleaned = xml.replace(INVALID_CHARS, '');
  if (cleaned.length !== xml.length) found.add('invalid-characters');
  xml = cleaned;

  // Split into markup that must stay verbatim and text/attribute runs that get entity repairs.
  const out: string[] = [];
  let last = 0;
  for (const m of xml.matchAll(VERBATIM_MARKUP)) {
    out.push(fixEntities(xml.slice(last, m.index), found), m[0]);
    last = m.index + m[0].length;
  }
  out.push(fixEntities(xml.slice(last), found));
  xml = out.join('');
  // A DOCTYPE (RSS 0.91's Netscape DTD) would make the parser look for entity declarations it cannot fetch.
  if (/<!DOCTYPE/i.test(xml)) {
    xml = xml.replace(DOCTYPE_DECL, '');
    found.add('doctype');
  }
  return { xml, repairs: [...found] };
}
