// Text normalization for exact-duplicate hashing: the same words in another case, width or spacing hash alike.
import { sha256Hex } from '../../domain/ids.js';

const NOT_WORD = /[^\p{L}\p{N}\p{M}]+/gu;

/** NFKC, lower-cased, every run of whitespace, punctuation and symbols collapsed to one space. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(NOT_WORD, ' ').trim();
}

/** Hex sha256 of the normalized text; equal for copies that differ only in case, width, spacing or punctuation. */
export function textHash(text: string): string {
  return sha256Hex(normalizeText(text));
}
