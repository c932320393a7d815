import { describe, expect, it } from 'vitest';
import { countChineseVariants, foldText, SHARED_HAN_CHARS, toOriginalRange } from '../../../../src/stages/classify/text/fold.js';
import { AhoCorasick } from '../../../../src/stages/classify/match/aho-corasick.js';
import { rng } from '../../../../src/domain/random.js';

describe('foldText', () => {
  it('applies NFKC, lower case, Traditional → Simplified and collapses white space', () => {
    expect(foldText('ＡＢＣ  Genève\n\n臺灣 ﬁnance').text).toBe('abc genève 台湾 finance');
  });

  it('maps every folded range back to the original characters', () => {
    const original = 'Ｘ  臺灣ﬁ e\u0301t\u00e9';
    const f = foldText(original);
    const at = (needle: string) => {
      const i = f.text.indexOf(needle);
      const r = toOriginalRange(f, i, i + needle.length);
      return original.slice(r.start, r.end);
    };
    expect(at('台湾')).toBe('臺灣');
    expect(at('fi')).toBe('ﬁ');
    expect(at('été')).toBe('e\u0301t\u00e9');
    expect(at('x')).toBe('Ｘ');
  });

  it('keeps the character after a lone high surrogate (text cut mid-emoji) as a character of its own', () => {
    const original = '人工智能\ud800监管 x\ud83dAI';
    const f = foldText(original);
    const i = f.text.indexOf('监管');
    expect(toOriginalRange(f, i, i + 2)).toEqual({ start: 5, end: 7 });
    // Folded as it would be without the broken half before it.
    expect(f.text.endsWith('ai')).toBe(true);
  });
});

describe('foldText on expanding characters', () => {
  it('grows its buffers when the fold is much longer than the text, and keeps the offsets', () => {
    // NFKC of U+FDFA is an 18-character phrase: ten of them fold to far more units than were read.
    const original = `a${'\ufdfa'.repeat(10)}b`;
    const f = foldText(original);
    const one = '\ufdfa'.normalize('NFKC');
    expect(f.text).toBe(`a${one.repeat(10)}b`);
    const last = f.text.length - 1;
    expect(toOriginalRange(f, last, last + 1)).toEqual({ start: 11, end: 12 });
    expect(toOriginalRange(f, 1 + one.length, 1 + 2 * one.length)).toEqual({ start: 2, end: 3 });
  });
});

describe('AhoCorasick', () => {
  it('finds every occurrence of overlapping patterns with their offsets', () => {
    const ac = new AhoCorasick();
    const ids = ['he', 'she', 'his', 'hers', '中美', '美国'].map((p) => ac.add(p));
    ac.build();
    const found: string[] = [];
    ac.search('ushers 中美国', (id, start, end) => found.push(`${ids.indexOf(id)}:${start}-${end}`));
    expect(found.sort()).toEqual(['0:2-4', '1:1-4', '3:2-6', '4:7-9', '5:8-10'].sort());
  });

  it('finds what a naive search finds, over ASCII and Han patterns that share prefixes and suffixes', () => {
    // A small alphabet mixing ASCII and Han makes long fail chains and switches between the ASCII table and
    // the edge lists in mid-match.
    const r = rng(11);
    const alphabet = ['a', 'b', 'c', ' ', '中', '美', 'A', '1'];
    const word = (max: number) => Array.from({ length: 1 + Math.floor(r() * max) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    const patterns = [...new Set(Array.from({ length: 60 }, () => word(5)))];
    const ac = new AhoCorasick();
    const ids = patterns.map((p) => ac.add(p));
    ac.build();
    for (let t = 0; t < 50; t++) {
      const text = word(200);
      const found: string[] = [];
      ac.search(text, (id, start, end) => found.push(`${ids.indexOf(id)}:${start}:${end}`));
      const expected: string[] = [];
      patterns.forEach((p, k) => {
        for (let at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) expected.push(`${k}:${at}:${at + p.length}`);
      });
      expect(found.sort()).toEqual(expected.sort());
    }
  });
});

describe('countChineseVariants', () => {
  it('counts characters that Traditional text also writes (台, 里, 后, 干, 范, 云, 余) for neither script', () => {
    for (const ch of '台里后干范云余准冲') expect(countChineseVariants(ch), ch).toEqual({ traditional: 0, simplified: 0 });
    expect(countChineseVariants('台股今日收高')).toEqual({ traditional: 0, simplified: 0 });
    expect(countChineseVariants('颱風來襲 台南停班停課')).toEqual({ traditional: 5, simplified: 0 });
    expect(countChineseVariants('国务院发布新规')).toEqual({ traditional: 0, simplified: 4 });
  });

  it('shares exactly the characters that OpenCC maps away but keeps in some Traditional phrase or regional form', async () => {
    const table = async (name: string): Promise<string[][]> => {
      const mod = (await import(`opencc-js/dict/${name}`)) as { default: string };
      return mod.default.split('|').map((e) => e.split(' '));
    };
    const mappedAway = (await table('STCharacters')).filter(([s, t]) => s !== t && !(t ?? '').includes(s!)).map(([s]) => s!);
    const kept = new Set<string>();
    for (const name of ['STPhrases', 'STPhrases_GeneratedFromRegionalPhrases', 'TWVariants', 'HKVariants', 'TWPhrases', 'HKPhrases', 'TWVariantsPhrases', 'HKVariantsPhrases']) {
      for (const [, ...forms] of await table(name)) for (const form of forms) for (const ch of form) kept.add(ch);
    }
    expect([...SHARED_HAN_CHARS].sort()).toEqual(mappedAway.filter((ch) => kept.has(ch)).sort());
  });
});
