// Near-duplicate fingerprint: a 64-slot MinHash of the text's shingles plus the shingle count, so that both
// resemblance (Jaccard) and containment (a truncated copy inside its original) can be estimated from it.
import { fmix32 } from '../../domain/hash32.js';
import { shingleHashes } from './shingles.js';

export const SLOTS = 64;
const VERSION = 1;
const HEADER = 3;
/** One fixed seed per slot: slot i's permutation of shingle hashes is fmix32(x ^ SEEDS[i]). */
const SEEDS = Uint32Array.from({ length: SLOTS }, (_, i) => fmix32(0x9e3779b9 + Math.imul(i + 1, 0x7f4a7c15)));

export interface Sketch {
  /** Distinct shingles in the text (capped at 65535). */
  size: number;
  /** Minimum of each slot's permutation over the shingles; all 0xffffffff for an empty text. */
  mins: Uint32Array;
}

export function sketch(text: string, lang?: string | null): Sketch {
  const shingles = shingleHashes(text, lang);
  const mins = new Uint32Array(SLOTS).fill(0xffffffff);
  for (const x of shingles) {
    for (let i = 0; i < SLOTS; i++) {
      const v = fmix32((x ^ SEEDS[i]!) >>> 0);
      if (v < mins[i]!) mins[i] = v;
    }
  }
  return { size: Math.min(shingles.size, 0xffff), mins };
}

/** The fingerprint of a text as an opaque string (base64url): pass it on in DedupeKeys.fingerprint. */
export function fingerprint(text: string, lang?: string): string {
  return encodeSketch(sketch(text, lang));
}

export function encodeSketch(s: Sketch): string {
  const buf = Buffer.alloc(HEADER + SLOTS * 4);
  buf.writeUInt8(VERSION, 0);
  buf.writeUInt16BE(s.size, 1);
  for (let i = 0; i < SLOTS; i++) buf.writeUInt32BE(s.mins[i]!, HEADER + i * 4);
  return buf.toString('base64url');
}

/** Reads a fingerprint made by `fingerprint`; null when it is not one (another version, corrupt). */
export function decodeSketch(fp: string): Sketch | null {
  const buf = Buffer.from(fp, 'base64url');
  if (buf.length !== HEADER + SLOTS * 4 || buf.readUInt8(0) !== VERSION) return null;
  const mins = new Uint32Array(SLOTS);
  for (let i = 0; i < SLOTS; i++) mins[i] = buf.readUInt32BE(HEADER + i * 4);
  return { size: buf.readUInt16BE(1), mins };
}
