// The keys an article is checked by: canonical URL, feed item, normalized-text hash and near-duplicate fingerprint.
import { canonicalizeUrl } from '../../domain/canonical-url.js';
import type { ClassifiedArticle } from '../../domain/record.js';
import { fingerprint } from './fingerprint.js';
import { normalizeText, textHash } from './normalize.js';
import type { DedupeKeys } from './types.js';

export function dedupeKeysOf(article: ClassifiedArticle): DedupeKeys {
  const hasText = normalizeText(article.text).length > 0;
  return {
    id: article.id,
    // Re-canonicalized here too: the page's canonical link may still carry tracking parameters.
    canonicalUrl: canonicalizeUrl(article.canonicalUrl || article.url),
    feedItemKey: article.feedItemId ? `${article.source.id}\u0000${article.feedItemId}` : null,
    textHash: hasText ? textHash(article.text) : '',
    // The script of the text, not the classifier's label, picks word or character shingles: two copies of one
    // text must get the same fingerprint even when the classifier labels them differently.
    fingerprint: hasText ? fingerprint(article.text) : null,
  };
}
