import { describe, expect, it } from 'vitest';
import { KeywordExtractor } from '../../../../src/stages/classify/keywords/keywords.js';
import { Tokenizer } from '../../../../src/stages/classify/text/tokenize.js';
import { classify } from '../../../../src/stages/classify/index.js';

const tokenizer = new Tokenizer();
const tokens = (s: string) => tokenizer.tokenize(s);

describe('keywords', () => {
  it('leaves out stop words, numbers and very short words, and weighs the title', () => {
    const k = new KeywordExtractor({ maxKeywords: 5, learn: false });
    const out = k.extract(tokens('satellite launch'), tokens('the satellite was launched in 2025 and it is in orbit and the orbit is low'));
    expect(out[0]).toBe('satellite');
    expect(out).toContain('orbit');
    for (const w of ['the', 'and', 'is', 'in', '2025', 'it']) expect(out).not.toContain(w);
  });

  it('ranks words of one weight by where they first appear, and leaves out hashes, measures and blobs', () => {
    const k = new KeywordExtractor({ maxKeywords: 20, learn: false });
    const text =
      'Firefighters evacuated villages near Athens as temperatures reached 44c. ' +
      'The transfer 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 moved 12.5km of ' +
      `cable; ${'q'.repeat(60)} zebra.`;
    const out = k.extract([], tokens(text));
    expect(out.slice(0, 4)).toEqual(['Firefighters', 'evacuated', 'villages', 'Athens']);
    expect(out.at(-1)).toBe('zebra');
    for (const junk of ['44c', '12.5km', 'q'.repeat(60)]) expect(out).not.toContain(junk);
    expect(out.some((w) => w.startsWith('9f86'))).toBe(false);
  });

  it('ranks Chinese words by jieba IDF before the running table has data', () => {
    const k = new KeywordExtractor({ maxKeywords: 3, learn: false });
    // 卫星 and 我们 both occur twice; the stop word 我们 is out and 卫星 outranks the once-seen 轨道.
    const out = k.extract([], tokens('我们今天看到卫星进入轨道，我们今天很高兴，卫星运行正常'));
    expect(out[0]).toBe('卫星');
    expect(out).toContain('轨道');
    expect(out).not.toContain('我们');
  });

  it('counts each article on its own, after an article of many thousand distinct words too', () => {
    const text = '我们今天看到卫星进入轨道，卫星运行正常，轨道很高。';
    const alone = new KeywordExtractor({ maxKeywords: 5, learn: false }).extract(tokens('卫星'), tokens(text));
    const k = new KeywordExtractor({ maxKeywords: 5, learn: false });
    const many = Array.from({ length: 20_000 }, (_, i) => `word${i.toString(36)}`).join(' ');
    expect(k.extract([], tokens(many))).toHaveLength(5);
    expect(k.extract(tokens('卫星'), tokens(text))).toEqual(alone);
    expect(alone[0]).toBe('卫星');
    // 180,000 distinct words over 60 articles: more than the counting table holds unless it is cleared after each.
    for (let i = 0; i < 60; i++) {
      const words = Array.from({ length: 3_000 }, (_, j) => `w${i}x${j}`);
      expect(k.extract([], tokens(`${words.join(' ')} hot${i} hot${i} hot${i}`))[0]).toBe(`hot${i}`);
    }
  });

  it('shows each keyword as the original text most often spells it, not folded', () => {
    const c = classify({
      title: 'Washington Tightens Export Controls',
      text:
        'Officials in Washington announced export controls on Tuesday. Export licences will be needed. ' +
        'The export controls cover chips. "Controls like these," said one trader in Washington, "hurt the export trade."',
    });
    // Title Case and sentence openings count for less than a spelling inside a sentence.
    expect(c.keywords).toEqual(expect.arrayContaining(['Washington', 'export', 'controls']));
    for (const w of ['washington', 'Export', 'Controls']) expect(c.keywords).not.toContain(w);
  });

  it('shows a Traditional Chinese article its keywords in Traditional characters, counted as one word with Simplified', () => {
    const c = classify({ title: '半導體出口管制', text: '美國宣布新的半導體出口管制措施。半導體企業表示，出口管制將影響營收。' });
    expect(c.lang).toBe('zh-Hant');
    expect(c.keywords).toEqual(expect.arrayContaining(['半導體', '出口管制', '企業']));
    for (const w of ['半导体', '企业']) expect(c.keywords).not.toContain(w);
  });

  it('learns document frequencies: a word in every article stops being a keyword', () => {
    const k = new KeywordExtractor({ maxKeywords: 1, learn: true });
    for (let i = 0; i < 300; i++) k.extract([], tokens(`newsletter subscription offer number${i}`));
    expect(k.extract([], tokens('newsletter newsletter volcano'))).toEqual(['volcano']);
  });

  it('does not take words from links and addresses', () => {
    const c = classify({ title: null, text: '卫星发射成功 https://mmbiz.qpic.cn/abc?wx_fmt=png 联系 editor@example.com' });
    for (const w of ['https', 'mmbiz', 'qpic', 'png', 'editor', 'example']) expect(c.keywords).not.toContain(w);
    expect(c.keywords).toContain('卫星');
  });

  it('does not take words from links in a text without addresses, nor drop the words between links', () => {
    const c = classify({
      title: null,
      text: 'Volcano erupts, see www.volcanodiscovery.com/tracker and then https://quakes.example.org/feed?page=volcano for the magma survey',
    });
    for (const w of ['volcanodiscovery', 'tracker', 'quakes', 'example', 'feed', 'page']) expect(c.keywords).not.toContain(w);
    // "Volcano" is seen only opening a sentence (the link's "volcano" is no word of the text), so keeps its capital.
    expect(c.keywords).toEqual(expect.arrayContaining(['Volcano', 'magma', 'survey']));
  });
});
