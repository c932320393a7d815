// HTML knowledge shared by the stages that read markup (fetch sanitizes feed items, clean extracts pages).

/** Elements that start a new line of text; everything else flows inline. */
export const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'center', 'dd', 'details', 'dialog', 'dir', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr',
  'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot',
  'th', 'thead', 'tr', 'ul', 'br', 'caption', 'noscript', 'video', 'audio', 'iframe',
]);

// Markup nesting is capped before it is parsed: htmlparser2 keeps its open elements in an array it shifts and
// unshifts at the front, so each tag costs as much as the nesting is deep. 200,000 nested <div>s (2 MB) took 20 s
// to parse, and 10 MB of them would hold a worker for most of an hour; parse5 fares worse. Browsers cap the tree
// too (Chromium at 512 levels). Written here because no parser option bounds it; extraction flattens the tree below
// 400 levels anyway (stages/clean/extract.ts), so nothing a reader sees is lost by dropping tags far deeper.

/** Nesting kept; far more than any real page and than extraction keeps, small enough to parse in linear time. */
export const MAX_NESTING = 2_000;

/** Elements that never hold others (void), or that the parser closes by itself when a sibling opens. */
const NOT_NESTING = new Set([
  ...['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr'],
  ...['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'rb', 'rt', 'rp'],
]);
/** Elements whose content is text up to their end tag, tags in it included. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript']);

const SLASH = 0x2f;

const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/**
 * An upper bound of the nesting: start tags minus end tags at the deepest point, void elements counted too. One
 * pass of indexOf over the '<'s without reading names, so that every ordinary page costs next to nothing.
 */
function roughDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (let i = html.indexOf('<'); i >= 0; i = html.indexOf('<', i + 1)) {
    const next = html.charCodeAt(i + 1);
    if (isLetter(next)) max = Math.max(max, ++depth);
    else if (next === SLASH) depth--;
  }
  return max;
}

// The name ends where the attributes begin, and neither runs past a '<': every '<' is tried once, and an unclosed
// "<a<a<a…" costs no more than its length (with the name free to end anywhere, it cost the cube).
const TAG = /<(\/?)([a-zA-Z][^\s/<>]*)(?:[\s/][^<>]*)?>|<!--[\s\S]*?(?:-->|$)/g;
/** The end tag of each raw-text element. */
const END_TAGS = new Map([...RAW_TEXT].map((name) => [name, new RegExp(`</${name}\\s*>`, 'gi')]));

/**
 * The page with start tags deeper than `maxDepth` left out, and their end tags with them: a block element becomes
 * a line break, so its text stays a line of its own; text is kept as it is. Returns the very string it was given
 * when nothing nests that deep.
 */
export function limitNesting(html: string, maxDepth: number = MAX_NESTING): string {
  if (roughDepth(html) <= maxDepth) return html;
  const out: string[] = [];
  /** Per element name, start tags left out whose end tags are still to come. */
  const dropped = new Map<string, number>();
  let depth = 0;
  let kept = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    const name = m[2]?.toLowerCase();
    if (!name || NOT_NESTING.has(name) || m[0].endsWith('/>')) continue;
    if (m[1]) {
      const pending = dropped.get(name) ?? 0;
      if (pending > 0) {
        dropped.set(name, pending - 1);
        out.push(html.slice(kept, m.index), BLOCK_TAGS.has(name) ? '<br>' : '');
        kept = m.index + m[0].length;
      } else if (depth > 0) depth--;
      continue;
    }
    if (RAW_TEXT.has(name)) {
      // Past its end tag: a script's "<div>" strings are no markup, and the element holds no others.
      const end = END_TAGS.get(name)!;
      end.lastIndex = TAG.lastIndex;
      TAG.lastIndex = end.exec(html) ? end.lastIndex : html.length;
      continue;
    }
    if (depth < maxDepth) {
      depth++;
      continue;
    }
    dropped.set(name, (dropped.get(name) ?? 0) + 1);
    out.push(html.slice(kept, m.index), BLOCK_TAGS.has(name) ? '<br>' : '');
    kept = m.index + m[0].length;
  }
  if (kept === 0) return html;
  out.push(html.slice(kept));
  return out.join('');
}
