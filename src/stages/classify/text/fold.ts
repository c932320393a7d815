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

// Per-UTF-16-unit tables, filled on first sight of a unit: every article folds thousands of characters, and a
// typed-array read is several times cheaper than a Map lookup or a closure call per character.
/** 0: not yet known, 1: not a combining mark, 2: a combining mark. */
const markOf = new Uint8Array(0x10000);
/** Fold of a lone unit: the folded unit + 1 (so that 0 can mean not yet known), or a marker below. */
const unitFold = new Int32Array(0x10000);
const UNIT_UNKNOWN = 0;
const UNIT_EMPTY = -1;
const UNIT_SPACE = -2;
/** Folds to several units (NFKC of "ﬁ" is "fi"), kept in longFolds. */
const UNIT_LONG = -3;
const longFolds = new Map<number, string>();

/** Whether a UTF-16 unit is a combining mark; nothing below U+0300 is, nor the CJK ideographs. */
function isMark(code: number): boolean {
  if (code < 0x300 || (code >= 0x3400 && code <= 0x9fff)) return false;
  let v = markOf[code]!;
  if (v === 0) markOf[code] = v = MARK.test(String.fromCharCode(code)) ? 2 : 1;
  return v === 2;
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

/** unitFold entry of a lone unit, computing it on first sight. */
function unitEntry(code: number): number {
  let e = unitFold[code]!;
  if (e !== UNIT_UNKNOWN) return e;
  const folded = foldCluster(String.fromCharCode(code));
  if (folded === ' ') e = UNIT_SPACE;
  else if (folded.length === 0) e = UNIT_EMPTY;
  else if (folded.length === 1) e = folded.charCodeAt(0) + 1;
  else {
    e = UNIT_LONG;
    longFolds.set(code, folded);
  }
  unitFold[code] = e;
  return e;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000 || code === 0x200b || code === 0xfeff;
}

/** A copy of `a` in a new array of `size` units. */
function grown<T extends Uint16Array | Int32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

export function foldText(original: string): FoldedText {
  const n = original.length;
  // Folded UTF-16 units go into a typed buffer (decoded once at the end): a string per character would make
  // garbage-collection the main cost on long texts.
  let units = new Uint16Array(n + 16);
  let origStart = new Int32Array(n + 16);
  let origEnd = new Int32Array(n + 16);
  let len = 0;
  /** Appends the one space that a run of white space folds to. */
  const space = (start: number, end: number) => {
    units[len] = 32;
    origStart[len] = start;
    origEnd[len++] = end;
  };
  let lastSpace = true;
  let i = 0;
  while (i < n) {
    const code = original.charCodeAt(i);
    // ASCII fast path, unless a combining mark follows (e + U+0301 must compose to é).
    if (code < 128 && !(i + 1 < n && isMark(original.charCodeAt(i + 1)))) {
      if (code === 32 || (code >= 9 && code <= 13)) {
        if (!lastSpace) space(i, i + 1);
        lastSpace = true;
      } else {
        units[len] = code >= 65 && code <= 90 ? code + 32 : code;
        origStart[len] = i;
        origEnd[len++] = i + 1;
        lastSpace = false;
      }
      i++;
      continue;
    }
    if (isSpace(code)) {
      if (!lastSpace) space(i, i + 1);
      lastSpace = true;
      i++;
      continue;
    }
    // One code point plus any combining marks that follow, so NFKC can compose them. A high surrogate without its
    // low half (text cut mid-emoji) is a unit of its own, not the start of a pair with the next character.
    const low = i + 1 < n ? original.charCodeAt(i + 1) : 0;
    let j = i + (code >= 0xd800 && code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff ? 2 : 1);
    while (j < n && isMark(original.charCodeAt(j))) j++;
    // A character with its marks goes the string way, as a unit that folds to several units does.
    const entry = j === i + 1 ? unitEntry(code) : UNIT_LONG;
    if (entry > 0) {
      units[len] = entry - 1;
      origStart[len] = i;
      origEnd[len++] = j;
      lastSpace = false;
    } else if (entry === UNIT_SPACE) {
      if (!lastSpace) space(i, j);
      lastSpace = true;
    } else if (entry === UNIT_LONG) {
      const folded = j === i + 1 ? longFolds.get(code)! : foldCluster(original.slice(i, j));
      if (folded === ' ') {
        if (!lastSpace) space(i, j);
        lastSpace = true;
      } else if (folded.length > 0) {
        // Only here can the output outgrow the input (every other branch writes at most one unit per unit read):
        // room for this fold and one unit for each unit still to read.
        const need = len + folded.length + (n - j);
        if (need > units.length) {
          units = grown(units, need * 2);
          origStart = grown(origStart, need * 2);
          origEnd = grown(origEnd, need * 2);
        }
        for (let k = 0; k < folded.length; k++) {
          units[len] = folded.charCodeAt(k);
          origStart[len] = i;
          origEnd[len++] = j;
        }
        lastSpace = false;
      }
    }
    i = j;
  }
  const text = Buffer.from(units.buffer, units.byteOffset, len * 2).toString('utf16le');
  return { original, text, origStart: origStart.subarray(0, len), origEnd: origEnd.subarray(0, len) };
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

/**
 * Simplified characters that OpenCC converts to another character, yet Traditional text also writes: 台 (Taiwan's
 * everyday form of 臺), 里 (公里), 后 (皇后), 干 (干涉), 范 and 余 (surnames), 云 (云云), 吃, 温, 户 (Hong Kong forms), ...
 * Counted as Simplified-only, one of them turned a Traditional headline Simplified. The list is every character that
 * OpenCC 1.4.2's STCharacters maps away and that its phrase or regional tables (STPhrases, TW/HK variants and phrases)
 * keep in some Traditional output; test/unit/stages/classify/fold.test.ts derives it again from those tables.
 */
export const SHARED_HAN_CHARS =
  '万丑丰么于云仆价伙余佣党准几凶划占厂厘台叶吁吃后咨咸夸尸岩岳帘干广征恒愿据斗朴杠杰柜涂涌淀游熏皂确种筑胜腊腌膻苧苹范荐虫虱蜡' +
  '跖辟适郁采里霉唇峰床灶痴秘粽群兑卧叁囱媪悦愠户捝揾敚棁榅氲涚温煴税緼脱腽葱蒀藴蜕輼醖别冲咏姗强韵';
const SHARED_HAN = new Set(SHARED_HAN_CHARS);

/**
 * Counts characters that exist only in Traditional and only in Simplified script, to tell zh-Hant from zh-Hans;
 * characters both scripts write (above) count for neither.
 */
export function countChineseVariants(text: string): { traditional: number; simplified: number } {
  let traditional = 0;
  let simplified = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // The unified ideographs block holds nearly all variant pairs; rarer blocks do not change the verdict.
    if (code < 0x4e00 || code > 0x9fff) continue;
    let v = variantOf[code - 0x4e00]!;
    if (v === 0) {
      const ch = text[i]!;
      variantOf[code - 0x4e00] = v =
        toSimplified(ch) !== ch ? TRADITIONAL : toTraditional(ch) !== ch && !SHARED_HAN.has(ch) ? SIMPLIFIED : SHARED;
    }
    if (v === TRADITIONAL) traditional++;
    else if (v === SIMPLIFIED) simplified++;
  }
  return { traditional, simplified };
}
/** Per ideograph from U+4E00: 0 not yet known, or which script it exists only in. */
const variantOf = new Uint8Array(0x9fff - 0x4e00 + 1);
const TRADITIONAL = 1;
const SIMPLIFIED = 2;
const SHARED = 3;
