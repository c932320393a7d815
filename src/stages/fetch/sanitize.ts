// Item HTML made safe to render (allow-list: no scripts, styles, handlers, forms, frames, javascript:/data: URLs),
// with relative links made absolute; and plain text for fields that must never carry tags.
import { decodeHTML } from 'entities';
import sanitizeHtml from 'sanitize-html';
import { limitNesting } from '../../domain/html.js';

function absolute(value: string | undefined, base: string | undefined): string | undefined {
  if (!value || !base) return value;
  try {
    return new URL(value.trim(), base).href;
  } catch {
    return value;
  }
}

const ALLOWED_TAGS = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'cite', 'code', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt',
  'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol',
  'p', 'picture', 'pre', 'q', 's', 'small', 'source', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody',
  'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'u', 'ul', 'article', 'section', 'aside', 'header', 'footer', 'main',
];

/** Sanitized HTML with links and image sources resolved against `baseUrl`; null for empty input. */
export function sanitizeItemHtml(html: string | null | undefined, baseUrl?: string): string | null {
  if (!html || !html.trim()) return null;
  // Its parser's time grows with the square of the nesting: a hostile item must not hold the fetch stage.
  const out = sanitizeHtml(limitNesting(html), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'hreflang'],
      img: ['src', 'srcset', 'alt', 'title', 'width', 'height'],
      source: ['srcset', 'media', 'type'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
      time: ['datetime'],
      blockquote: ['cite'],
      q: ['cite'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'], source: ['http', 'https'] },
    allowProtocolRelative: false,
    // Drop the contents of these along with the tag; other disallowed tags keep their text.
    nonTextTags: ['script', 'style', 'textarea', 'noscript', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'select', 'button', 'template', 'svg', 'math'],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, ...(attribs.href ? { href: absolute(attribs.href, baseUrl)! } : {}) } }),
      img: (tagName, attribs) => {
        // Lazy-loading sites put the real source in data-src.
        const src = attribs.src && !attribs.src.startsWith('data:') ? attribs.src : (attribs['data-src'] ?? attribs['data-original'] ?? attribs.src);
        return { tagName, attribs: { ...attribs, ...(src ? { src: absolute(src, baseUrl)! } : {}) } };
      },
    },
  }).trim();
  return out || null;
}

function stripTags(html: string): string {
  return decodeHTML(sanitizeHtml(limitNesting(html), { allowedTags: [], allowedAttributes: {}, nonTextTags: ['script', 'style', 'textarea', 'noscript'] }));
}

/** Text without tags, entities decoded, whitespace collapsed; null when nothing is left. */
export function toPlainText(html: string | null | undefined): string | null {
  if (!html) return null;
  // Decode first too: titles are often double-escaped ("&lt;b&gt;"), which must not come back as tags.
  let text = html;
  for (let i = 0; i < 2 && /<[a-z!/]|&[#a-z0-9]+;/i.test(text); i++) text = stripTags(text);
  return collapseText(text);
}

/**
 * The text an HTML fragment shows, for HTML whose escaping is declared (Atom type="html"): tags dropped and entities
 * decoded once, so "&amp;lt;b&amp;gt;" shows as "<b>" instead of being taken for a tag.
 */
export function htmlToText(html: string | null | undefined): string | null {
  if (!html) return null;
  return collapseText(stripTags(html));
}

/**
 * Text that is already plain (an Atom type="text" title): control characters dropped and whitespace collapsed, but
 * "<b>" and "&amp;" kept as the characters they are, since here they are not markup.
 */
export function collapseText(text: string | null | undefined): string | null {
  if (!text) return null;
  const out = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').replace(/\s+/g, ' ').trim();
  return out || null;
}

/** Plain text as HTML that shows the same characters: escaped, blank lines as paragraphs, line breaks as <br>. */
export function textToHtml(text: string | null | undefined): string | null {
  if (!text || !text.trim()) return null;
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const paragraphs = escaped.replace(/\r\n?/g, '\n').trim().split(/\n[ \t]*\n\s*/);
  return paragraphs.map((p) => `<p>${p.split(/[ \t]*\n[ \t]*/).join('<br>')}</p>`).join('');
}
