import { describe, expect, it } from 'vitest';
import { compare } from '../../../../src/stages/dedupe/compare.js';
import { buildEvalSet, LANGS, loadArticles } from '../../../fixtures/dedupe/eval-set.js';

const pairs = buildEvalSet([1]);
const caught = (status: string) => status === 'duplicate' || status === 'near-duplicate';

describe('compare', () => {
  it('calls texts equal after normalization duplicates', () => {
    const a = 'The Port of Harwick reopened on Tuesday after a week of storms.\n\nCranes were back at work by noon, and the first ferry left at two.';
    const b = 'the port of  HARWICK reopened on Tuesday after a week of storms;  cranes were back at work by noon, and the first ferry left at two!';
    expect(compare(a, b)).toEqual({ similarity: 1, status: 'duplicate' });
    expect(compare('全角ＡＢＣ，港口在周二重新开放，起重机中午恢复作业。', '全角abc 港口在周二重新开放 起重机中午恢复作业')).toEqual({ similarity: 1, status: 'duplicate' });
  });

  it('calls two equal stubs unique, as the index does (too few shingles for a text key)', () => {
    expect(compare('Photo gallery', 'Photo gallery')).toEqual({ similarity: 1, status: 'unique' });
    expect(compare('全角ＡＢＣ，测试。', '全角abc 测试').status).toBe('unique');
  });

  for (const lang of LANGS) {
    for (const kind of ['repost-chrome', 'retitled', 'reordered', 'one-sentence-changed', 'light-edit', 'truncated-first-half', 'truncated-first-third', 'repost-edited']) {
      it(`catches ${kind} copies (${lang})`, () => {
        const cases = pairs.filter((p) => p.lang === lang && p.kind === kind);
        expect(cases.length).toBeGreaterThan(5);
        for (const p of cases) {
          const r = compare(p.a, p.b);
          expect(caught(r.status), `${kind} similarity ${r.similarity}`).toBe(true);
        }
      });
    }
    for (const kind of ['same-topic', 'same-topic-same-site', 'same-topic-truncated', 'same-site-boilerplate', 'same-site-truncated', 'brief-quoting-a-paragraph']) {
      it(`does not merge ${kind} articles (${lang})`, () => {
        const cases = pairs.filter((p) => p.lang === lang && p.kind === kind);
        expect(cases.length).toBeGreaterThan(2);
        for (const p of cases) expect(compare(p.a, p.b).status).toBe('unique');
      });
    }
  }

  it('reports how much of the shorter text lies in the longer when one contains the other, else the resemblance', () => {
    const [article, other] = loadArticles('en');
    const text = article!.paragraphs.join('\n\n');
    const half = article!.paragraphs.slice(0, Math.ceil(article!.paragraphs.length / 2)).join('\n\n');
    expect(compare(text, half)).toEqual({ status: 'near-duplicate', similarity: 1 });
    expect(compare(text, `Reposted with thanks.\n\n${text}\n\nShare this story.`)).toEqual({ status: 'near-duplicate', similarity: 1 });
    const edited = article!.paragraphs.map((p, i) => (i === 1 ? other!.paragraphs[1]! : p)).join('\n\n');
    const r = compare(text, edited);
    expect(r.status).toBe('near-duplicate');
    expect(r.similarity).toBeGreaterThan(0.5);
    expect(r.similarity).toBeLessThan(0.9);
  });

  it('does not compare texts too short to judge', () => {
    expect(compare('Markets closed higher.', 'Markets closed higher today.').status).toBe('unique');
  });
});
