// One walk over the whole page collecting what metadata needs (meta tags, links, scripts, date-like elements), so
// metadata reading does not run dozens of selector queries over the document.
import type { Document, Element } from 'domhandler';
import { classAndId, descendants, textOf } from './dom.js';
import { normalizeInline } from './text.js';

export interface PageInfo {
  /** Meta tag contents by lower-cased property, name, itemprop or http-equiv; the first tag wins. */
  meta: Map<string, string>;
  title: string | null;
  h1s: string[];
  lang: string | null;
  canonical: string | null;
  baseHref: string | null;
  /** Inline script bodies (for site-rule script variables). */
  scripts: string[];
  jsonLd: string[];
  /** `datetime` of `time` elements, in document order. */
  times: string[];
  /** Short texts of elements named like a date or time (class/id), for bylines like "2025年2月12日 10:30". */
  dateTexts: string[];
  /** Texts of byline-like elements (rel=author, itemprop=author). */
  authorTexts: string[];
  body: Element | null;
}

const DATE_NAME = /date|time|pub|fecha|datum|shijian/;
const MAX_DATE_TEXTS = 30;

export function collectPageInfo(doc: Document): PageInfo {
  const info: PageInfo = {
    meta: new Map(), title: null, h1s: [], lang: null, canonical: null, baseHref: null, scripts: [], jsonLd: [],
    times: [], dateTexts: [], authorTexts: [], body: null,
  };
  for (const el of descendants(doc)) {
    const a = el.attribs;
    switch (el.name) {
      case 'meta': {
        const content = a['content'];
        if (content === undefined) break;
        for (const key of [a['property'], a['name'], a['itemprop'], a['http-equiv']]) {
          if (!key) continue;
          const k = key.toLowerCase();
          if (!info.meta.has(k) && content.trim()) info.meta.set(k, content);
        }
        break;
      }
      case 'link':
        if (a['rel']?.toLowerCase() === 'canonical' && a['href'] && !info.canonical) info.canonical = a['href'];
        break;
      case 'base':
        if (a['href'] && !info.baseHref) info.baseHref = a['href'];
        break;
      case 'title':
        if (info.title === null) info.title = normalizeInline(textOf(el));
        break;
      case 'html':
        info.lang ??= a['lang'] ?? a['xml:lang'] ?? null;
        break;
      case 'body':
        info.body ??= el;
        break;
      case 'h1':
        info.h1s.push(normalizeInline(textOf(el)));
        break;
      case 'script': {
        const body = el.children.map((c) => ('data' in c ? c.data : '')).join('');
        if ((a['type'] ?? '').toLowerCase() === 'application/ld+json') info.jsonLd.push(body);
        else if (!a['src'] && body) info.scripts.push(body);
        break;
      }
      case 'time':
        if (a['datetime']) info.times.push(a['datetime']);
        break;
    }
    if (el.name !== 'script' && el.name !== 'style') {
      if (info.dateTexts.length < MAX_DATE_TEXTS && (el.name === 'time' || DATE_NAME.test(classAndId(el)))) {
        const t = normalizeInline(textOf(el));
        if (t.length >= 8 && t.length <= 60) info.dateTexts.push(t);
      }
      if (info.authorTexts.length < 3 && (a['rel'] === 'author' || a['itemprop'] === 'author')) {
        const t = normalizeInline(textOf(el));
        if (t) info.authorTexts.push(t);
      }
    }
  }
  return info;
}
