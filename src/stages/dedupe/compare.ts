// Compares two texts directly (no index): the `newsflow dedupe check` command and programmatic use.
import type { DedupeStatus } from '../../domain/record.js';
import { DEFAULT_DEDUPE_CONFIG } from './config.js';
import { normalizeText } from './normalize.js';
import { shingleHashes } from './shingles.js';
import { decide, exactOverlap, type Thresholds } from './similarity.js';

export interface Comparison {
  similarity: number;
  status: DedupeStatus;
}

/** Exact Jaccard/containment of the two texts' shingles, judged by the default (or given) thresholds. */
export function compare(textA: string, textB: string, lang?: string, thresholds: Thresholds = DEFAULT_DEDUPE_CONFIG): Comparison {
  const shinglesA = shingleHashes(textA, lang);
  const shinglesB = shingleHashes(textB, lang);
  // As in the index: a text with fewer shingles than minShingles (a stub) gets no text key, so two equal stubs are no
  // duplicates there, and decide() calls them unique.
  const comparable = Math.min(shinglesA.size, shinglesB.size) >= thresholds.minShingles;
  if (comparable && normalizeText(textA) === normalizeText(textB)) return { similarity: 1, status: 'duplicate' };
  const { status, similarity } = decide(exactOverlap(shinglesA, shinglesB), thresholds);
  return { status, similarity: Math.round(similarity * 1000) / 1000 };
}
