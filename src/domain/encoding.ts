// Decoding bytes to text the way browsers decide the encoding: BOM, then the HTTP charset, then the document's own
// declaration in its first bytes, then a default.
import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';

/** WHATWG maps these labels to supersets; decoding GB2312/GBK as GB18030 recovers characters sites mislabel. */
const SUPERSETS: Record<string, string> = {
  gb2312: 'gb18030', gbk: 'gb18030', 'x-gbk': 'gb18030', gb_2312: 'gb18030', 'gb_2312-80': 'gb18030', csgb2312: 'gb18030',
  'iso-8859-1': 'windows-1252', 'us-ascii': 'windows-1252', ascii: 'windows-1252', latin1: 'windows-1252',
  big5: 'big5', 'big5-hkscs': 'big5', 'x-sjis': 'shift_jis', sjis: 'shift_jis', 'ms_kanji': 'shift_jis',
  'euc-jp': 'euc-jp', 'x-euc-jp': 'euc-jp',
};

export function normalizeCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  const mapped = SUPERSETS[l] ?? l;
  if (mapped === 'utf8') return 'utf-8';
  return iconv.encodingExists(mapped) ? mapped : null;
}

function fromBom(bytes: Uint8Array): { encoding: string; skip: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  // XML without a BOM in UTF-16 still starts with "<?" (XML 1.0 appendix F).
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) return { encoding: 'utf-16le', skip: 0 };
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) return { encoding: 'utf-16be', skip: 0 };
  return null;
}

export function charsetFromContentType(contentType: string | null | undefined): string | null {
  const m = contentType?.match(/charset\s*=\s*["']?([^"';\s]+)/i);
  return normalizeCharset(m?.[1]);
}

/** The encoding a document declares in its first 4 KiB: XML declaration, <meta charset> or http-equiv. */
export function charsetFromDocument(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const xml = head.match(/^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i);
  if (xml) return normalizeCharset(xml[1]);
  const meta = head.match(/<meta[^>]+charset\s*=\s*["']?([^"'\s/>;]+)/i);
  return normalizeCharset(meta?.[1]);
}

export interface Decoded {
  text: string;
  encoding: string;
  /** Where the encoding came from; `sniffed` when the bytes contradicted what was declared, or nothing was. */
  source: 'bom' | 'http' | 'document' | 'default' | 'sniffed';
}

function countNonAscii(bytes: Uint8Array, limit: number): number {
  let n = 0;
  for (let i = 0; i < bytes.length && n < limit; i++) if (bytes[i]! >= 0x80) n++;
  return n;
}

/**
 * Valid multi-byte sequences needed per invalid one for bytes to still read as UTF-8, the invalid ones becoming
 * U+FFFD as in a browser. Legacy text seldom forms a valid UTF-8 sequence by chance. Measured on news prose:
 * single-byte encodings (windows-125x, ISO-8859-x, KOI8-R) form none; GBK, Big5, Shift_JIS, EUC-JP and EUC-KR form
 * 0.1–0.4 per invalid one; Thai windows-874 about 0.5. The UTF-8 pages of the extraction corpus with a stray
 * Latin-1 byte or a pasted legacy snippet form 25 to 500. Four per invalid one (four in five non-ASCII sequences
 * valid) sits well clear of both: below it UTF-8 "fails widely" and the detector decides.
 */
const UTF8_VALID_PER_INVALID = 4;

/**
 * How UTF-8 reads the bytes: valid multi-byte sequences, and invalid ones counted as the WHATWG decoder counts its
 * U+FFFD (one per maximal bad subpart). A sequence the end of the bytes cuts short is not counted: a body cut at a
 * size cap ends mid-character without being any less UTF-8.
 */
export function utf8Evidence(bytes: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) {
      invalid++;
      i++;
      continue;
    }
    // The second byte's range excludes overlongs (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
    let lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    let hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    let j = i + 1;
    for (; j <= i + need; j++) {
      if (j >= bytes.length) return { valid, invalid };
      if (bytes[j]! < lo || bytes[j]! > hi) break;
      lo = 0x80;
      hi = 0xbf;
    }
    if (j > i + need) valid++;
    else invalid++;
    i = j;
  }
  return { valid, invalid };
}

/** Whether the bytes are UTF-8, allowing a few bad sequences among many good ones (see UTF8_VALID_PER_INVALID). */
function readsAsUtf8(bytes: Uint8Array): boolean {
  const { valid, invalid } = utf8Evidence(bytes);
  return valid >= UTF8_VALID_PER_INVALID * invalid;
}

/** The encoding a statistical detector (chardet) finds, mapped through the WHATWG supersets; null if unsure. */
export function sniffCharset(bytes: Uint8Array): string | null {
  const sample = bytes.subarray(0, 64 * 1024);
  const best = chardet.analyse(sample).find((m) => normalizeCharset(m.name) !== null && m.confidence >= 10);
  return best ? normalizeCharset(best.name) : null;
}

/**
 * Decodes bytes the way browsers decide: BOM, HTTP charset, the document's declaration, then a default. A label the
 * bytes plainly contradict is overruled, as mature feed readers do: text declared legacy that reads as UTF-8 with
 * enough multi-byte sequences is UTF-8, and text declared UTF-8 goes to the detector only when UTF-8 fails widely.
 * "Reads as UTF-8" tolerates a few bad sequences among many good ones (a stray Latin-1 byte, a body cut
 * mid-character), which a browser shows as U+FFFD; handing such a page to the detector garbles all of it.
 */
export function decodeBody(bytes: Uint8Array, contentType?: string | null, defaultEncoding = 'utf-8'): Decoded {
  const bom = fromBom(bytes);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bom) return { text: iconv.decode(buf.subarray(bom.skip), bom.encoding), encoding: bom.encoding, source: 'bom' };
  const decode = (encoding: string, source: Decoded['source']): Decoded => ({ text: iconv.decode(buf, encoding), encoding, source });
  const nonAscii = countNonAscii(bytes, 16);
  const validUtf8 = nonAscii === 0 || isUtf8(bytes);
  const utf8 = validUtf8 || readsAsUtf8(bytes);
  let doc = charsetFromDocument(bytes);
  // A document that claims UTF-16 in ASCII-compatible bytes is lying (WHATWG rule): read it as UTF-8.
  if (doc?.startsWith('utf-16')) doc = 'utf-8';
  const declared = charsetFromContentType(contentType);
  const overrule = (label: string): string | null => {
    if (label === 'utf-8' && !utf8) return (doc && doc !== 'utf-8' ? doc : null) ?? sniffCharset(bytes);
    if (label !== 'utf-8' && utf8 && nonAscii >= 8 && !label.startsWith('utf-')) return 'utf-8';
    return null;
  };
  for (const [label, source] of [[declared, 'http'], [doc, 'document']] as const) {
    if (!label) continue;
    const better = overrule(label);
    return better && better !== label ? decode(better, 'sniffed') : decode(label, source);
  }
  const fallback = normalizeCharset(defaultEncoding) ?? 'utf-8';
  if (utf8 && fallback !== 'utf-8' && nonAscii >= 8) return decode('utf-8', 'sniffed');
  // Judged by the bytes, not assumed: `sniffed`, so no caller second-guesses the U+FFFD of the bad sequences.
  if (fallback === 'utf-8' && !validUtf8 && utf8) return decode('utf-8', 'sniffed');
  if (fallback === 'utf-8' && !validUtf8) {
    const sniffed = sniffCharset(bytes);
    if (sniffed && sniffed !== 'utf-8') return decode(sniffed, 'sniffed');
  }
  return decode(fallback, 'default');
}
