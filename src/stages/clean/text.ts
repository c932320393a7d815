// Text normalization shared by extraction and Markdown dumps: what "clean text" means for newsflow.

// Zero-width and invisible format characters that break matching and word counts; U+00AD is the soft hyphen.
const INVISIBLE = /[\u200B-\u200D\u2060-\u2064\uFEFF\u00AD\u180E]/g;
// Every Unicode space separator plus tabs and line breaks, NBSP included.
const SPACES = /[\s\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;

/** One line of text: NFC, no invisible characters, every whitespace run (NBSP and ideographic space too) one space. */
export function normalizeInline(s: string): string {
  return s.normalize('NFC').replace(INVISIBLE, '').replace(SPACES, ' ').trim();
}

/** Paragraphs joined by one blank line, each normalized, empty ones left out. */
export function joinParagraphs(paragraphs: readonly string[]): string {
  const out: string[] = [];
  for (const p of paragraphs) {
    const n = normalizeInline(p);
    if (n) out.push(n);
  }
  return out.join('\n\n');
}

const CJK = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u3040-\u30FF\uAC00-\uD7AF]/g;

/** Share of CJK characters among the non-space characters of a sample of the text. */
export function cjkRatio(s: string): number {
  const sample = s.length > 4000 ? s.slice(0, 4000) : s;
  const chars = sample.replace(/\s+/g, '').length;
  if (chars === 0) return 0;
  return (sample.match(CJK)?.length ?? 0) / chars;
}

/** Sentence punctuation of Latin and CJK scripts; a paragraph of prose has some, a menu has none. */
export const PUNCTUATION = /[,.;:!?，。、；：！？…」』）》]/g;

export function countPunctuation(s: string): number {
  return s.match(PUNCTUATION)?.length ?? 0;
}
