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
const markCache = new Map<number, boolean>();
/** Whether a UTF-16 unit is a combining mark; nothing below U+0300 is, nor the CJK ideographs. */
function isMark(code: number): boolean {
  if (code < 0x300 || (code >= 0x3400 && code <= 0x9fff)) return false;
  let v = markCache.get(code);
  if (v === undefined) {
    v = MARK.test(String.fromCharCode(code));
    markCache.set(code, v);
  }
  return v;
}

/** Folds one character (with its combining marks); cached, since a text repeats few distinct characters. */
function foldCluster(cluster: string): string {
  const cached = foldCache.get(cluster);
  if (cached !== undefined) return cached;
  const nfkc = cluster.normalize('NFKC').toLowerCase();
  // Per-character conversion: phrase-level OpenCC rules would break the offset map, and matching only needs
  // both sides folded the same way.
  let folded = /\p{Script=Han}/u.test(nfkc) ? (toSimplified(nfkc) ?? nfkc) : nfkc;
  if (/^\s+$/u.test(folded)) folded = ' ';
  if (foldCache.size < 200_000) foldCache.set(cluster, folded);
  return folded;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000 || code === 0x200b || code === 0xfeff;
}

export function foldText(original: string): FoldedText {
  const n = original.length;
  // Folded UTF-16 units go into a typed buffer (decoded once at the end): a string per character would make
  // garbage-collection the main cost on long texts.
  let out = new Uint16Array(n + 16);
  let origStart = new Int32Array(n + 16);
  let origEnd = new Int32Array(n + 16);
  let len = 0;
  const reserve = (extra: number) => {
    if (len + extra <= out.length) return;
    const size = (len + extra) * 2;
    const grow = <T extends Uint16Array | Int32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    out = grow(out, new Uint16Array(size));
    origStart = grow(origStart, new Int32Array(size));
    origEnd = grow(origEnd, new Int32Array(size));
  };
  const pushUnit = (unit: number, start: number, end: number) => {
    out[len] = unit;
    origStart[len] = start;
    origEnd[len++] = end;
  };
  let lastSpace = true;
  let i = 0;
  while (i < n) {
    const code = original.charCodeAt(i);
    const nextCode = i + 1 < n ? original.charCodeAt(i + 1) : 0;
    // ASCII fast path, unless a combining mark follows (e + U+0301 must compose to é).
    if (code < 128 && !isMark(nextCode)) {
      if (isSpace(code)) {
        if (!lastSpace) {
          reserve(1);
          pushUnit(32, i, i + 1);
        }
        lastSpace = true;
      } else {
        reserve(1);
        pushUnit(code >= 65 && code <= 90 ? code + 32 : code, i, i + 1);
        lastSpace = false;
      }
      i++;
      continue;
    }
    if (isSpace(code)) {
      if (!lastSpace) {
        reserve(1);
        pushUnit(32, i, i + 1);
      }
      lastSpace = true;
      i++;
      continue;
    }
    // One code point plus any combining marks that follow, so NFKC can compose them.
    let j = i + (code >= 0xd800 && code <= 0xdbff && i + 1 < n ? 2 : 1);
    while (j < n && isMark(original.charCodeAt(j))) j++;
    const folded = j === i + 1 ? foldUnit(code) : foldCluster(original.slice(i, j));
    if (folded === ' ') {
      if (!lastSpace) {
        reserve(1);
        pushUnit(32, i, j);
      }
      lastSpace = true;
    } else if (folded.length > 0) {
      reserve(folded.length);
      for (let k = 0; k < folded.length; k++) pushUnit(folded.charCodeAt(k), i, j);
      lastSpace = false;
    }
    i = j;
  }
  const text = Buffer.from(out.buffer, out.byteOffset, len * 2).toString('utf16le');
  return { original, text, origStart: origStart.subarray(0, len), origEnd: origEnd.subarray(0, len) };
}

const unitCache = new Map<number, string>();
function foldUnit(code: number): string {
  let folded = unitCache.get(code);
  if (folded === undefined) {
    folded = foldCluster(String.fromCharCode(code));
    unitCache.set(code, folded);
  }
  return folded;
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
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // The unified ideographs block holds nearly all variant pairs; rarer blocks do not change the verdict.
    if (code < 0x4e00 || code > 0x9fff) continue;
    const ch = text[i]!;
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
