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
  const normA = normalizeText(textA);
  if (normA.length > 0 && normA === normalizeText(textB)) return { similarity: 1, status: 'duplicate' };
  const { status, similarity } = decide(exactOverlap(shingleHashes(textA, lang), shingleHashes(textB, lang)), thresholds);
  return { status, similarity: Math.round(similarity * 1000) / 1000 };
}
