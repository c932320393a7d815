// schema.org JSON-LD: the article object a page describes itself with (headline, author, dates, articleBody).

export interface JsonLdArticle {
  headline: string | null;
  author: string | null;
  datePublished: string | null;
  dateModified: string | null;
  publisher: string | null;
  image: string | null;
  articleBody: string | null;
}

const ARTICLE_TYPES = /article|posting|report|newsarticle|webpage|creativework|blog/i;

function flatten(value: unknown, out: Record<string, unknown>[]): void {
  if (Array.isArray(value)) {
    for (const v of value) flatten(v, out);
  } else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    out.push(obj);
    if (obj['@graph']) flatten(obj['@graph'], out);
    if (obj['mainEntity'] && typeof obj['mainEntity'] === 'object') flatten(obj['mainEntity'], out);
  }
}

function str(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(str).filter((v): v is string => !!v);
    return parts.length ? parts.join(', ') : null;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return str(obj['name'] ?? obj['url'] ?? obj['@id']);
  }
  return null;
}

function typeOf(obj: Record<string, unknown>): string {
  const t = obj['@type'];
  return Array.isArray(t) ? t.join(' ') : typeof t === 'string' ? t : '';
}

/** The best article object among the page's JSON-LD blocks; broken JSON is skipped, as browsers do. */
export function readJsonLd(blocks: readonly string[]): JsonLdArticle | null {
  const objects: Record<string, unknown>[] = [];
  for (const block of blocks) {
    try {
      flatten(JSON.parse(block.trim().replace(/^<!--|-->$/g, '')), objects);
    } catch {
      // Invalid JSON-LD is common (trailing commas, raw newlines); the page still has other metadata.
    }
  }
  const articles = objects.filter((o) => ARTICLE_TYPES.test(typeOf(o)));
  if (articles.length === 0) return null;
  // Prefer real article types over WebPage, and an object with a body.
  articles.sort((a, b) => rank(b) - rank(a));
  const best = articles[0]!;
  const image = best['image'];
  return {
    headline: str(best['headline'] ?? best['name']),
    author: str(best['author'] ?? best['creator']),
    datePublished: str(best['datePublished'] ?? best['dateCreated']),
    dateModified: str(best['dateModified']),
    publisher: str(best['publisher']),
    image: Array.isArray(image) ? str(image[0]) : str(image),
    articleBody: typeof best['articleBody'] === 'string' ? best['articleBody'] : null,
  };
}

function rank(o: Record<string, unknown>): number {
  const t = typeOf(o);
  let r = /webpage/i.test(t) && !/article/i.test(t) ? 0 : 2;
  if (typeof o['articleBody'] === 'string') r += 1;
  if (o['headline']) r += 1;
  return r;
}
