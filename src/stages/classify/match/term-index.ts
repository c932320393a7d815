// Terms of every consumer (watch rules, topic rules, gazetteer) registered in one automaton; a scan of a text's
// fields yields, per term, its hits after word-boundary and case checks.
import { AhoCorasick } from './aho-corasick.js';
import { foldTerm, toOriginalRange, type FoldedText } from '../text/fold.js';
import { isKeptWhole, type Token } from '../text/tokenize.js';

export interface TermSpec {
  /** The term as written (a word, a phrase, or the stem of a prefix term). */
  text: string;
  /** `stem*`: matches any word that starts with the stem. */
  prefix?: boolean;
  /** Matches only where the original text has the same letter case (acronyms such as US, WHO). */
  caseSensitive?: boolean;
}

export interface TermHit {
  term: number;
  field: string;
  /** Offsets into the folded field text. */
  start: number;
  end: number;
}

export interface ScannedField {
  name: string;
  folded: FoldedText;
}

const NO_HITS: readonly TermHit[] = Object.freeze([]);

/** Hits per term id, plus the fields they were found in. */
export class HitTable {
  readonly byTerm = new Map<number, TermHit[]>();
  /** Per field, [start, end) pairs of every occurrence of a word to keep whole (see TermIndex.addWord), flat. */
  readonly words = new Map<string, number[]>();
  constructor(readonly fields: Map<string, FoldedText>) {}
  /** A term's hits in scan order: by field in the order the fields were scanned, then by offset. */
  get(term: number): readonly TermHit[] {
    return this.byTerm.get(term) ?? NO_HITS;
  }
  add(hit: TermHit): void {
    const list = this.byTerm.get(hit.term);
    if (list) list.push(hit);
    else this.byTerm.set(hit.term, [hit]);
  }
  /** Removes the hits `drop` says to of the terms given (all by default); a term left without hits has none. */
  removeWhere(drop: (hit: TermHit) => boolean, terms: Iterable<number> = this.byTerm.keys()): void {
    for (const term of [...terms]) {
      const list = this.byTerm.get(term);
      if (!list) continue;
      const first = list.findIndex(drop);
      if (first < 0) continue;
      const kept = list.slice(0, first);
      for (let i = first + 1; i < list.length; i++) if (!drop(list[i]!)) kept.push(list[i]!);
      if (kept.length) this.byTerm.set(term, kept);
      else this.byTerm.delete(term);
    }
  }
}

interface TermEntry {
  spec: TermSpec;
  folded: string;
  /** Whether the term's first / last character is a word character, so a boundary is required there. */
  boundaryStart: boolean;
  boundaryEnd: boolean;
  /** Whether the term has Han characters, whose hits must not straddle a word boundary (dropCrossWordHits). */
  han: boolean;
}

const HANGUL = /\p{Script=Hangul}/u;
const HAN = /\p{Script=Han}/u;

const ACRONYM = /^[A-Z][A-Z0-9&]{0,3}$|^(?:[A-Z]\.){2,3}$/;

const wordCache = new Map<number, boolean>();
/** Letters and digits of space-delimited scripts; Han and kana have no word boundaries to check. */
export function isWordCode(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  let v = wordCache.get(code);
  if (v === undefined) {
    const ch = String.fromCharCode(code);
    v = /[\p{L}\p{N}\p{M}]/u.test(ch) && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch);
    // Surrogate halves: letters outside the BMP are rare in news text; treat them as non-word.
    wordCache.set(code, v);
  }
  return v;
}

export class TermIndex {
  private readonly automaton = new AhoCorasick();
  private readonly entries: TermEntry[] = [];
  private readonly byKey = new Map<string, number>();
  /** Automaton pattern id → term ids sharing that folded text. */
  private readonly patternTerms: number[][] = [];
  private readonly patternOf = new Map<string, number>();
  /** Per pattern, 1 when the segmenter keeps it whole (isKeptWhole). */
  private wordPattern = new Uint8Array(0);
  private built = false;

  /** Registers a term (deduplicated) and returns its id. Throws on a term that folds to nothing. */
  add(input: TermSpec): number {
    // An acronym written in capitals (US, AI, WHO, NATO) matches only in capitals: "us" and "who" are words.
    const spec = input.caseSensitive === undefined && ACRONYM.test(input.text) ? { ...input, caseSensitive: true } : input;
    const folded = foldTerm(spec.text);
    if (!folded) throw new Error(`term "${spec.text}" is empty after normalization`);
    const key = `${spec.prefix ? 'p' : 'e'}${spec.caseSensitive ? 'c' : 'i'}|${folded}|${spec.caseSensitive ? spec.text : ''}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    if (this.built) throw new Error('TermIndex: add() after build()');
    const id = this.entries.length;
    this.entries.push({
      spec,
      folded,
      boundaryStart: isWordCode(folded.charCodeAt(0)),
      // A Korean word carries its particles and endings (미국은, 미국의, 미국과): a Hangul term, like a prefix, may be
      // followed by more of its word.
      boundaryEnd: !spec.prefix && isWordCode(folded.charCodeAt(folded.length - 1)) && !HANGUL.test(folded.at(-1)!),
      han: HAN.test(folded),
    });
    this.byKey.set(key, id);
    this.patternTerms[this.pattern(folded)]!.push(id);
    return id;
  }

  /**
   * Registers a word that the segmenter keeps whole without being a term (a user dictionary's): scans report
   * where it occurs, as they do for every Chinese term. Words without Han are ignored.
   */
  addWord(word: string): void {
    const folded = foldTerm(word);
    if (isKeptWhole(folded)) this.pattern(folded);
  }

  private pattern(folded: string): number {
    let pattern = this.patternOf.get(folded);
    if (pattern === undefined) {
      if (this.built) throw new Error('TermIndex: add() after build()');
      pattern = this.automaton.add(folded);
      this.patternOf.set(folded, pattern);
      this.patternTerms[pattern] = [];
    }
    return pattern;
  }

  term(id: number): TermSpec {
    return this.entries[id]!.spec;
  }

  get size(): number {
    return this.entries.length;
  }

  build(): this {
    this.automaton.build();
    this.wordPattern = new Uint8Array(this.patternTerms.length);
    for (const [folded, pattern] of this.patternOf) if (isKeptWhole(folded)) this.wordPattern[pattern] = 1;
    this.built = true;
    return this;
  }

  scan(fields: ScannedField[]): HitTable {
    const table = new HitTable(new Map(fields.map((f) => [f.name, f.folded])));
    if (this.patternTerms.length === 0) return table;
    const { wordPattern } = this;
    for (const { name, folded } of fields) {
      const text = folded.text;
      const words: number[] = [];
      table.words.set(name, words);
      this.automaton.search(text, (pattern, start, end) => {
        if (wordPattern[pattern] === 1) words.push(start, end);
        for (const id of this.patternTerms[pattern]!) {
          const e = this.entries[id]!;
          if (e.boundaryStart && start > 0 && isWordCode(text.charCodeAt(start - 1))) continue;
          if (e.boundaryEnd && end < text.length && isWordCode(text.charCodeAt(end))) continue;
          if (e.spec.caseSensitive && !sameCase(folded, start, end, e.spec.text)) continue;
          // A prefix hit covers the whole word it starts, so evidence and NEAR distances see the word.
          let stop = end;
          if (e.spec.prefix) while (stop < text.length && isWordCode(text.charCodeAt(stop))) stop++;
          table.add({ term: id, field: name, start, end: stop });
        }
      });
    }
    return table;
  }

  /**
   * Drops the hits of Chinese terms that straddle a word boundary: that start strictly inside one word and end
   * strictly inside another, as 中国 in 其中|国内 or 法国 in 非法|国际. Chinese terms match as contiguous text, so a
   * hit within one word stays (人工智能 in 人工智能峰会, 中美 in 中美关系), and so does one that starts or ends where a
   * word does (美国 in 美国|人). `wordsOf(field)` gives a field's words in order, or null to keep its hits; it is
   * asked only for fields with such hits.
   */
  dropCrossWordHits(hits: HitTable, wordsOf: (field: string) => readonly Token[] | null): void {
    const han: number[] = [];
    for (const term of hits.byTerm.keys()) if (this.entries[term]!.han) han.push(term);
    if (!han.length) return;
    const interiors = new Map<string, Int32Array | null>();
    let field: string | undefined;
    let inside: Int32Array | null = null;
    hits.removeWhere((h) => {
      if (h.field !== field) {
        field = h.field;
        inside = interiors.get(field) ?? null;
        if (!interiors.has(field)) {
          const words = wordsOf(field);
          inside = words && wordInteriors(words, hits.fields.get(field)?.text.length ?? 0);
          interiors.set(field, inside);
        }
      }
      if (inside === null) return false;
      const first = inside[h.start]!;
      const last = inside[h.end]!;
      return first !== 0 && last !== 0 && first !== last;
    }, han);
  }
}

/**
 * Per offset of a text, 1 + the index of the word that the offset falls strictly inside (after the word's first
 * character, before its end), else 0: an array read per hit end. A binary search per end made a text of 3 million
 * characters and 800,000 hits 15-20% slower to classify; this, about 5%.
 */
function wordInteriors(words: readonly Token[], length: number): Int32Array {
  const inside = new Int32Array(length + 1);
  for (let i = 0; i < words.length; i++) inside.fill(i + 1, words[i]!.start + 1, words[i]!.end);
  return inside;
}

/** The original characters equal the term as written, or are its all-capitals form (headlines) when longer than 4. */
function sameCase(folded: FoldedText, start: number, end: number, written: string): boolean {
  const r = toOriginalRange(folded, start, end);
  const orig = folded.original.slice(r.start, r.end).normalize('NFKC');
  if (orig === written) return true;
  return written.length > 4 && orig === written.toUpperCase();
}
