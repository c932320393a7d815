// Resemblance and containment of two texts, exactly from shingle sets or estimated from fingerprints, and the
// near-duplicate decision shared by `compare`, the evaluation bench and (mirrored in Lua) the Redis index.
import type { DedupeStatus } from '../../domain/record.js';
import { DEFAULT_DEDUPE_CONFIG, type DedupeConfig } from './config.js';
import { SLOTS, type Sketch } from './fingerprint.js';

export type Thresholds = Pick<DedupeConfig, 'nearJaccard' | 'nearContainment' | 'containmentMinJaccard' | 'minShingles'>;

export interface Overlap {
  jaccard: number;
  /** Share of the smaller set that lies in the larger. */
  containment: number;
  sizeA: number;
  sizeB: number;
}

export function exactOverlap(a: Set<number>, b: Set<number>): Overlap {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (large.has(x)) inter++;
  const union = a.size + b.size - inter;
  return {
    jaccard: union === 0 ? 0 : inter / union,
    containment: small.size === 0 ? 0 : inter / small.size,
    sizeA: a.size,
    sizeB: b.size,
  };
}

/** Containment implied by a Jaccard estimate and the two set sizes: |A∩B| = J(|A|+|B|)/(1+J). */
export function containmentFrom(jaccard: number, sizeA: number, sizeB: number): number {
  const small = Math.min(sizeA, sizeB);
  if (small === 0) return 0;
  return Math.min(1, (jaccard * (sizeA + sizeB)) / (1 + jaccard) / small);
}

/** Jaccard estimated from the 4 low bits of each MinHash slot, as the Redis index stores them (b-bit MinHash). */
export function nibbleOverlap(a: Sketch, b: Sketch): Overlap {
  let same = 0;
  for (let i = 0; i < SLOTS; i++) if ((a.mins[i]! & 15) === (b.mins[i]! & 15)) same++;
  const jaccard = Math.max(0, Math.min(1, (same / SLOTS - 1 / 16) / (15 / 16)));
  return { jaccard, containment: containmentFrom(jaccard, a.size, b.size), sizeA: a.size, sizeB: b.size };
}

export interface Decision {
  status: Exclude<DedupeStatus, 'duplicate'>;
  /** The containment when the shorter text lies (almost) wholly in the longer, else the resemblance. */
  similarity: number;
}

/** Near duplicate when the texts resemble each other, or when one is (nearly) contained in the other and not tiny beside it. */
export function decide(o: Overlap, t: Thresholds = DEFAULT_DEDUPE_CONFIG): Decision {
  if (Math.min(o.sizeA, o.sizeB) < t.minShingles) return { status: 'unique', similarity: o.jaccard };
  if (o.containment >= t.nearContainment && o.jaccard >= t.containmentMinJaccard) {
    return { status: 'near-duplicate', similarity: o.containment };
  }
  if (o.jaccard >= t.nearJaccard) return { status: 'near-duplicate', similarity: o.jaccard };
  return { status: 'unique', similarity: o.jaccard };
}
