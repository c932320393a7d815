import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURES, textFeatures, type FeatureOptions } from '../../../../src/stages/classify/model/features.js';
import { Tokenizer } from '../../../../src/stages/classify/text/tokenize.js';

const tokenizer = new Tokenizer();
const names = (text: string, options: Partial<FeatureOptions> = {}) => {
  const out = new Map<number, string>();
  const v = textFeatures(text, tokenizer, { ...DEFAULT_FEATURES, ...options }, out);
  return { names: new Set(out.values()), size: v.ids.length, ids: v.ids };
};

describe('model features', () => {
  it('takes character n-grams over the whole of a mostly-CJK text, Latin letters, digits and punctuation included', () => {
    const { names: n } = names('a股3g手机 (组图)');
    for (const gram of ['a股', '3g', 'g手', ' (', '(组', '图)']) expect(n.has(gram)).toBe(true);
  });

  it('keeps a text that only quotes some CJK to its CJK runs, so it stays like the texts around it', () => {
    const { names: n } = names('the foreign minister 王毅 met reporters in beijing');
    expect(n.has('王毅')).toBe(true);
    for (const gram of ['th', ' 王', '毅 ', 'e…o']) expect(n.has(gram)).toBe(false);
  });

  it('keeps to CJK runs under the scope of earlier models', () => {
    const { names: n } = names('a股3g手机 (组图)', { charScope: 'cjk-runs' });
    expect(n.has('手机')).toBe(true);
    for (const gram of ['g手', '机 ', '(组']) expect(n.has(gram)).toBe(false);
  });

  it('gives text without CJK its words only', () => {
    const { names: n } = names('the striker scored twice');
    expect([...n].sort()).toEqual(['^the', 'scored', 'striker', 'the', 'twice', 'twice$']);
    // Emoji are astral characters like Han Extension B, but not CJK.
    expect([...names('what a goal 😀😀😀😀😀😀 wow').names].every((f) => !f.includes('😀'))).toBe(true);
  });

  it('adds skip-bigrams, named by their first and third character, only when asked', () => {
    expect(names('央行利率').names.has('央…利')).toBe(true);
    expect(names('央行利率', { charSkipBigrams: false }).names.has('央…利')).toBe(false);
  });

  it('gives each feature id once, in ascending order, at every hash size', () => {
    const text = '欧盟委员会周三公布人工智能法案的实施细则，要求大型模型提供者公开训练数据摘要。'.repeat(8) + ' AI Act 2025';
    const wide = textFeatures(text, tokenizer, { ...DEFAULT_FEATURES, bits: 24 }).ids;
    for (const bits of [8, 11, 12, 18, 22, 24]) {
      const { ids } = textFeatures(text, tokenizer, { ...DEFAULT_FEATURES, bits });
      for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
      // A smaller hash space keeps the low bits of the same hashes.
      const expected = [...new Set(Array.from(wide, (id) => id & ((1 << bits) - 1)))].sort((a, b) => a - b);
      expect([...ids]).toEqual(expected);
    }
  });

  it('gives the same ids whether or not names are collected', () => {
    const text = '体验2D巅峰 倚天屠龙记十大创新概览';
    const plain = textFeatures(text, tokenizer, DEFAULT_FEATURES);
    expect([...plain.ids].sort()).toEqual([...names(text).ids].sort());
  });
});
