import { describe, expect, it } from 'vitest';
import { decodeSketch, fingerprint, sketch, SLOTS } from '../../../../src/stages/dedupe/fingerprint.js';
import { normalizeText, textHash } from '../../../../src/stages/dedupe/normalize.js';
import { shingleHashes, tokenize } from '../../../../src/stages/dedupe/shingles.js';
import { exactOverlap, nibbleOverlap } from '../../../../src/stages/dedupe/similarity.js';
import { buildEvalSet } from '../../../fixtures/dedupe/eval-set.js';

describe('normalizeText and textHash', () => {
  it('ignore case, width, spacing and punctuation', () => {
    expect(normalizeText('  Ｈｅｌｌｏ,\n\tWORLD!!  ')).toBe('hello world');
    expect(textHash('法国 AI 峰会。')).toBe(textHash('法国ＡＩ峰会'.replace('ＡＩ', ' ai ')));
    expect(textHash('Port strike')).not.toBe(textHash('Port strikes'));
  });
});

describe('tokenize', () => {
  it('splits Chinese into characters and keeps Latin words whole', () => {
    const { sentences, charMode } = tokenize('峰会讨论了GPT-4模型。第二句！');
    expect(charMode).toBe(true);
    expect(sentences).toEqual([['峰', '会', '讨', '论', '了', 'gpt', '4', '模', '型'], ['第', '二', '句']]);
  });

  it('uses words for space-delimited text and lets the language decide for mixed text', () => {
    expect(tokenize('Rates held at 4.25 percent. Bonds rallied.').charMode).toBe(false);
    expect(tokenize('The 峰会 summit opened today in Geneva with forty delegations', 'zh').charMode).toBe(true);
    expect(tokenize('日本語の文章です。', 'und').charMode).toBe(true);
  });
});

describe('shingleHashes', () => {
  it('does not let shingles cross sentences, so reordering sentences keeps the set', () => {
    const a = 'One two three four. Five six seven eight.';
    const b = 'Five six seven eight. One two three four.';
    expect(shingleHashes(a)).toEqual(shingleHashes(b));
    expect(shingleHashes(a).size).toBe(4);
  });
});

describe('fingerprint', () => {
  it('round-trips through its string form and is deterministic', () => {
    const text = buildEvalSet([1])[0]!.a;
    const fp = fingerprint(text);
    expect(fingerprint(text)).toBe(fp);
    const s = decodeSketch(fp)!;
    expect(s.size).toBe(shingleHashes(text).size);
    expect(Array.from(s.mins)).toEqual(Array.from(sketch(text).mins));
    expect(decodeSketch('bm90IGEgZmluZ2VycHJpbnQ')).toBeNull();
  });

  it('gives an empty text an empty sketch', () => {
    const s = sketch('');
    expect(s.size).toBe(0);
    expect(s.mins).toHaveLength(SLOTS);
    expect(s.mins.every((m) => m === 0xffffffff)).toBe(true);
  });

  it('estimates resemblance from 4-bit signatures within a few hundredths of the exact value on average', () => {
    const pairs = buildEvalSet([1]);
    let err = 0;
    for (const p of pairs) {
      const exact = exactOverlap(shingleHashes(p.a), shingleHashes(p.b)).jaccard;
      err += Math.abs(nibbleOverlap(sketch(p.a), sketch(p.b)).jaccard - exact);
    }
    expect(err / pairs.length).toBeLessThan(0.06);
  });
});
