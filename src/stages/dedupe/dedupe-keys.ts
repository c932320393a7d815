// The keys an article is checked by: canonical URL, feed item, normalized-text hash and near-duplicate fingerprint.
import { canonicalizeUrl } from '../../domain/canonical-url.js';
import type { ClassifiedArticle } from '../../domain/record.js';
import { fingerprint } from './fingerprint.js';
import { normalizeText, textHash } from './normalize.js';
import type { DedupeKeys } from './types.js';

export function dedupeKeysOf(article: ClassifiedArticle): DedupeKeys {
  const lang = article.classification.lang;
  const hasText = normalizeText(article.text).length > 0;
  return {
    id: article.id,
    // Re-canonicalized here too: the page's canonical link may still carry tracking parameters.
    canonicalUrl: canonicalizeUrl(article.canonicalUrl || article.url),
    feedItemKey: article.feedItemId ? `${article.source.id}\u0000${article.feedItemId}` : null,
    textHash: hasText ? textHash(article.text) : '',
    fingerprint: hasText ? fingerprint(article.text, lang === 'und' ? undefined : lang) : null,
  };
}
