// Resolving the URLs a page writes (relative, protocol-relative, lazy-load attributes) to absolute ones.
import type { Element } from 'domhandler';

/** An absolute http(s) URL, or null for data:, javascript: and unparsable values. */
export function absoluteUrl(href: string, base: string | undefined): string | null {
  const h = href.trim();
  if (!h || /^(data|javascript|mailto|tel|about|blob):/i.test(h)) return null;
  try {
    const u = base ? new URL(h, base) : new URL(h);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const LAZY_ATTRS = ['data-src', 'data-original', 'data-lazy-src', 'data-lazy', 'data-url', 'data-hi-res-src', 'data-actualsrc', 'data-echo', 'file'];

/** The largest candidate of a srcset ("a.jpg 320w, b.jpg 1024w" → b.jpg). */
function fromSrcset(srcset: string): string | null {
  let best: { url: string; size: number } | null = null;
  for (const part of srcset.split(/,\s+/)) {
    const [u, d] = part.trim().split(/\s+/);
    if (!u) continue;
    const size = d ? parseFloat(d) || 1 : 1;
    if (!best || size > best.size) best = { url: u, size };
  }
  return best?.url ?? null;
}

/** The real source of an image: lazy-load attributes first, since `src` then holds a placeholder. */
export function imageSource(img: Element): string | null {
  for (const a of LAZY_ATTRS) {
    const v = img.attribs[a];
    if (v && !v.startsWith('data:')) return v;
  }
  // A srcset's largest candidate beats `src`, which is often the smallest rendition.
  const set = img.attribs['data-srcset'] ?? img.attribs['srcset'];
  const fromSet = set ? fromSrcset(set) : null;
  if (fromSet && !fromSet.startsWith('data:')) return fromSet;
  const src = img.attribs['src'];
  if (src && !src.startsWith('data:') && !/(blank|spacer|pixel|placeholder|transparent|grey)\.(gif|png)/i.test(src)) return src;
  return null;
}
