// The baseline near-duplicate detector of the quality bench: Charikar's 64-bit SimHash over the same shingles.
import { fmix32 } from '../src/domain/hash32.js';

export function simhash(shingles: Set<number>): bigint {
  const weights = new Int32Array(64);
  for (const x of shingles) {
    const lo = fmix32(x ^ 0x2545f491);
    const hi = fmix32(x ^ 0x9e3779b9);
    for (let b = 0; b < 32; b++) {
      weights[b]! += (lo >>> b) & 1 ? 1 : -1;
      weights[b + 32]! += (hi >>> b) & 1 ? 1 : -1;
    }
  }
  let h = 0n;
  for (let b = 0; b < 64; b++) if (weights[b]! > 0) h |= 1n << BigInt(b);
  return h;
}

export function hamming(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}
