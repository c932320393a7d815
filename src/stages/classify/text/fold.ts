// Folds text for matching (NFKC, case-fold, Traditional → Simplified, whitespace runs → one space) while keeping,
// for every folded UTF-16 unit, where it came from in the original: rule hits report offsets into the original text.
import * as OpenCC from 'opencc-js';

export interface FoldedText {
  /** The original text. */
  original: string;
  /** The folded text that matching runs on. */
  text: string;
  /** origStart[i]: offset in `original` of the character that folded unit i came from. */
  origStart: Int32Array;
  /** origEnd[i]: end offset in `original` of that character. */
  origEnd: Int32Array;
}

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });
const toTraditional = OpenCC.Converter({ from: 'cn', to: 't' });
const foldCache = new Map<string, string>();
const MARK = /^\p{M}$/u;

/** Folds one character (with its combining marks); cached, since a text repeats few distinct characters. */
function foldCluster(cluster: string): string {
  const cached = foldCache.get(cluster);
  if (cached !== undefined) return cached;
  {
    const nfkc = cluster.normalize('NFKC').toLowerCase();
    // Per-character conversion: phrase-level OpenCC rules would break the offset map, and matching only needs
    // both sides folded the same way.
    let folded = /\p{Script=Han}/u.test(nfkc) ? (toSimplified(nfkc) ?? nfkc) : nfkc;
    if (/^\s+$/u.test(folded)) folded = ' ';
    if (foldCache.size < 200_000) foldCache.set(cluster, folded);
    return folded;
  }
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000 || code === 0x200b || code === 0xfeff;
}

export function foldText(original: string): FoldedText {
  const n = original.length;
  const parts: string[] = [];
  let origStart = new Int32Array(n + 8);
  let origEnd = new Int32Array(n + 8);
  let len = 0;
  const push = (s: string, start: number, end: number) => {
    if (len + s.length > origStart.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array((len + s.length) * 2);
        b.set(a);
        return b;
      };
      origStart = grow(origStart);
      origEnd = grow(origEnd);
    }
    for (let k = 0; k < s.length; k++) {
      origStart[len + k] = start;
      origEnd[len + k] = end;
    }
    len += s.length;
    parts.push(s);
  };
  let lastSpace = true;
  let i = 0;
  while (i < n) {
    const code = original.charCodeAt(i);
    const nextCode = i + 1 < n ? original.charCodeAt(i + 1) : 0;
    // ASCII fast path, unless a combining mark follows (e + U+0301 must compose to é).
    if (code < 128 && !(nextCode >= 0x300 && MARK.test(original[i + 1]!))) {
      if (isSpace(code)) {
        if (!lastSpace) push(' ', i, i + 1);
        lastSpace = true;
      } else {
        push(code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : original[i]!, i, i + 1);
        lastSpace = false;
      }
      i++;
      continue;
    }
    if (isSpace(code)) {
      if (!lastSpace) push(' ', i, i + 1);
      lastSpace = true;
      i++;
      continue;
    }
    // One code point plus any combining marks that follow, so NFKC can compose them.
    let j = i + (code >= 0xd800 && code <= 0xdbff && i + 1 < n ? 2 : 1);
    while (j < n && MARK.test(original[j]!)) j++;
    const folded = foldCluster(original.slice(i, j));
    if (folded === ' ') {
      if (!lastSpace) push(' ', i, j);
      lastSpace = true;
    } else if (folded.length > 0) {
      push(folded, i, j);
      lastSpace = false;
    }
    i = j;
  }
  return { original, text: parts.join(''), origStart: origStart.subarray(0, len), origEnd: origEnd.subarray(0, len) };
}

/** Folds a query term the same way as texts (no offsets needed), trimming outer spaces. */
export function foldTerm(term: string): string {
  return foldText(term).text.trim();
}

/** Maps a [start, end) range of folded units back to the original text. */
export function toOriginalRange(f: FoldedText, start: number, end: number): { start: number; end: number } {
  if (end <= start) return { start: f.origStart[start] ?? f.original.length, end: f.origStart[start] ?? f.original.length };
  return { start: f.origStart[start]!, end: f.origEnd[end - 1]! };
}

/** Counts characters that exist only in Traditional and only in Simplified script, to tell zh-Hant from zh-Hans. */
export function countChineseVariants(text: string): { traditional: number; simplified: number } {
  let traditional = 0;
  let simplified = 0;
  for (const ch of text) {
    if (!/\p{Script=Han}/u.test(ch)) continue;
    if (variantCache.has(ch)) {
      const v = variantCache.get(ch)!;
      if (v === 1) traditional++;
      else if (v === 2) simplified++;
      continue;
    }
    const v = toSimplified(ch) !== ch ? 1 : toTraditional(ch) !== ch ? 2 : 0;
    variantCache.set(ch, v);
    if (v === 1) traditional++;
    else if (v === 2) simplified++;
  }
  return { traditional, simplified };
}
const variantCache = new Map<string, 0 | 1 | 2>();
