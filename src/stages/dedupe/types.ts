// The dedupe stage's contract: the keys one article is checked by, and the shared index that checks them.
import type { DedupeResult } from '../../domain/record.js';

export interface DedupeKeys {
  id: string;
  canonicalUrl: string;
  /** Feed id + feed item id, when the article came from a feed. */
  feedItemKey: string | null;
  /** Hash of the normalized text (normalize.ts `textHash`); empty when the article has no text. */
  textHash: string;
  /** Near-duplicate fingerprint of the cleaned text (fingerprint.ts, opaque to the index's callers); null without text. */
  fingerprint: string | null;
}

/**
 * Shared by all worker processes; checkAndInsert must be atomic so two copies cannot both come out unique.
 *
 * Verdicts:
 * - unique: nothing matched; clusterId is the article's own id.
 * - duplicate: the same normalized text was seen (reason `url` when at the same canonical URL, `item-id` for the
 *   same feed item, else `content-hash`); similarity 1.
 * - near-duplicate, reason `near-text`: the text resembles or lies within an earlier one; duplicateOf is the
 *   first-seen article it matches, clusterId that article's cluster.
 * - near-duplicate, reason `url-update` / `item-update`: the same canonical URL or feed item with changed text.
 *   An update is the same story, not a new one, so it is not unique; it is not a duplicate either, since its text
 *   differs. updateOf = duplicateOf = the first version; similarity tells how much the text changed.
 * The same article id checked again with the same text (a redelivered job, a replay) gets its first verdict back.
 */
export interface DedupeIndex {
  checkAndInsert(keys: DedupeKeys): Promise<DedupeResult>;
}
