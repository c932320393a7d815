// 32-bit string and integer hashing for hot loops: dedupe shingles (hashed 64 times per fingerprint) and the
// classifier's word tables. Hand-written: a crypto hash per shingle or word would cost more than the work around it.

/** MurmurHash3's finalizer: a bijective, well-mixing 32-bit permutation. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finished with fmix32 so short strings spread over all 32 bits. */
export function hashString32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}
