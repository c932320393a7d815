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

/** Shared by all worker processes; checkAndInsert must be atomic so two copies cannot both come out unique. */
export interface DedupeIndex {
  checkAndInsert(keys: DedupeKeys): Promise<DedupeResult>;
}
