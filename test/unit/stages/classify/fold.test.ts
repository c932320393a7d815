import { describe, expect, it } from 'vitest';
import { foldText, toOriginalRange } from '../../../../src/stages/classify/text/fold.js';
import { AhoCorasick } from '../../../../src/stages/classify/match/aho-corasick.js';

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
});
