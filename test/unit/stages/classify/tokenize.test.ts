import { describe, expect, it } from 'vitest';
import { Tokenizer, jiebaWords } from '../../../../src/stages/classify/text/tokenize.js';
import { DEFAULT_FEATURES, modelInput, modelInputWords, type FeatureOptions } from '../../../../src/stages/classify/model/features.js';
import { rng } from '../../../../src/domain/random.js';

const words = (tokenizer: Tokenizer, text: string) => tokenizer.tokenize(text).map((t) => t.text);

describe('tokenizer', () => {
  it('keeps a user word whole where the plain segmentation has a boundary at both of its ends', () => {
    const text = '行动峰会在巴黎举行';
    expect(words(new Tokenizer(), text)).toEqual(['行动', '峰会', '在', '巴黎', '举行']);
    const tokens = new Tokenizer(['行动峰会']).tokenize(text);
    expect(tokens[0]).toEqual({ text: '行动峰会', start: 0, end: 4 });
    expect(tokens.map((t) => t.text)).toEqual(['行动峰会', '在', '巴黎', '举行']);
  });

  it('cuts the words of other scripts in a text with Chinese as in a text without it', () => {
    const english = "china's nestlé and don't say 21% off";
    const plain = words(new Tokenizer(), english);
    expect(plain).toEqual(["china's", 'nestlé', 'and', "don't", 'say', '21', 'off']);
    // jieba alone gives china|s, nestl|é and don|t; a Chinese name in brackets must not change the other words.
    expect(words(new Tokenizer(), `${english}（华为）`)).toEqual([...plain.slice(0, 5), '21%', 'off', '华为']);
    expect(words(new Tokenizer(), "中国's")).toEqual(['中国', 's']);
  });

  it('does not make a word of a user word that cuts through the words around it', () => {
    // 台海 (the Taiwan Strait) inside 平台|海外 (platform, overseas) is no word there.
    expect(words(new Tokenizer(['台海']), '平台海外业务')).toEqual(['平台', '海外', '业务']);
  });

  it('takes the longest user word that fits, leftmost first, without overlaps', () => {
    const tokenizer = new Tokenizer(['行动峰会', '峰会在巴黎', '行动峰会在巴黎举行的会场']);
    expect(words(tokenizer, '行动峰会在巴黎举行')).toEqual(['行动峰会', '在', '巴黎', '举行']);
    expect(words(new Tokenizer(['峰会在巴黎']), '行动峰会在巴黎举行')).toEqual(['行动', '峰会在巴黎', '举行']);
  });

  it('merges user words found by the caller, and reports jieba’s own words beside them', () => {
    const text = '行动峰会在巴黎举行';
    const { words: merged, jieba } = new Tokenizer().segment(text, 'zh', [0, 4]);
    expect(merged.map((t) => t.text)).toEqual(['行动峰会', '在', '巴黎', '举行']);
    expect(jieba?.map((t) => t.text)).toEqual(['行动', '峰会', '在', '巴黎', '举行']);
    expect(new Tokenizer().segment('Summit opens in Paris', 'en').jieba).toBeNull();
  });

  it('merges user words in a text longer than the offset tables it keeps, and in short texts after it', () => {
    const tokenizer = new Tokenizer(['行动峰会']);
    const long = '行动峰会在巴黎举行。'.repeat(10_000);
    const merged = words(tokenizer, long);
    expect(merged.filter((w) => w === '行动峰会')).toHaveLength(10_000);
    expect(merged).not.toContain('峰会');
    expect(words(tokenizer, '行动峰会在巴黎举行')).toEqual(['行动峰会', '在', '巴黎', '举行']);
  });
});

describe('model input words from the fields’ segmentation', () => {
  const plain = new Tokenizer();
  const fromFields = (title: string, text: string, options: FeatureOptions) =>
    modelInputWords(
      { title, text, titleWords: plain.segment(title).jieba, textWords: plain.segment(text).jieba },
      modelInput(title.trim(), text.trim(), options),
    );
  const own = (title: string, text: string, options: FeatureOptions) => {
    const input = modelInput(title.trim(), text.trim(), options);
    return /\p{Script=Han}/u.test(input) ? words(plain, input) : null;
  };

  it('segments anew the run that the length limit cuts through', () => {
    // 研究|生命|起源 cut after three characters reads 研究生 (graduate student), not 研究|生.
    const options = { ...DEFAULT_FEATURES, maxChars: 3 };
    expect(fromFields('', '研究生命起源', options)).toEqual(['研究生']);
    expect(fromFields('他说', '研究生命起源', { ...DEFAULT_FEATURES, maxChars: 6 })).toEqual(['他', '说', '研究生']);
  });

  it('gives the words the model’s own segmentation gives, whatever the title, the text and the limit', () => {
    const pieces = ['研究生命起源', '人工智能', '行动峰会', '在巴黎举行', 'GPT-4.5版', 'U.S.', '3.5%', '，', '。', ' ', '“', '”', '(组图)', 'a-b', '中华人民共和国', '国务院副总理'];
    const random = rng(11);
    const make = (n: number) => Array.from({ length: n }, () => pieces[Math.floor(random() * pieces.length)]!).join('');
    let compared = 0;
    for (let i = 0; i < 400; i++) {
      const title = i % 4 === 0 ? '' : i % 4 === 1 ? ' Breaking: summit ' : make(1 + (i % 3));
      const text = `${i % 2 ? '  ' : ''}${make(2 + (i % 9))}${i % 3 ? ' ' : ''}`;
      for (const maxChars of [3, 7, 12, 20, 600]) {
        const options = { ...DEFAULT_FEATURES, maxChars };
        expect(fromFields(title, text, options), `${JSON.stringify(title)} ${JSON.stringify(text)} ${maxChars}`).toEqual(own(title, text, options));
        compared++;
      }
    }
    expect(compared).toBe(2_000);
  });

  it('leaves text without Han to the model’s own word runs', () => {
    expect(modelInputWords({ title: 'Summit', text: 'opens in Paris', titleWords: null, textWords: null }, 'summit opens in paris')).toBeNull();
    expect(jiebaWords('峰会').map((t) => t.text)).toEqual(['峰会']);
  });

  it('cuts a run of millions of letters into words instead of overflowing the stack', () => {
    const tokenizer = new Tokenizer();
    const words = tokenizer.tokenize(`don’${'t'.repeat(3_000_000)} stop`, 'en');
    expect(words.at(-1)).toMatchObject({ text: 'stop' });
    expect(Math.max(...words.map((w) => w.text.length))).toBeLessThanOrEqual(260);
    expect(words.slice(0, -1).reduce((n, w) => n + w.text.length, 0)).toBe(3_000_004);
  });
});
