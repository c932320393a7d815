import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWordVectors, WordVectors } from '../../../../src/stages/classify/model/word-vectors.js';
import { TextModel, loadModel, type Example } from '../../../../src/stages/classify/model/text-model.js';
import { crossValidate } from '../../../../src/stages/classify/model/evaluate.js';
import { modelEval, modelTrain } from '../../../../src/commands/model.js';
import { InputError } from '../../../../src/domain/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'newsflow-vectors-'));
const file = (name: string, data: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
};

/** word2vec's binary layout: "count dims\n", then each word, a space, dims float32 LE and a newline. */
function word2vecBinary(entries: Array<[string, number[]]>, dims: number): Buffer {
  const parts = [Buffer.from(`${entries.length} ${dims}\n`)];
  for (const [w, v] of entries) {
    const floats = Buffer.alloc(4 * dims);
    v.forEach((x, k) => floats.writeFloatLE(x, 4 * k));
    parts.push(Buffer.from(`${w} `), floats, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

const near = (a: Float32Array | null, b: number[]) => {
  const norm = Math.hypot(...b);
  expect(a).not.toBeNull();
  Array.from(a!).forEach((x, k) => expect(x).toBeCloseTo(b[k]! / norm, 1));
};

describe('readWordVectors', () => {
  const entries: Array<[string, number[]]> = [
    ['Football', [1, 0.1, 0]],
    ['football', [0, 1, 0]],
    ['股票', [0, 0, 2]],
    ['，', [1, 1, 1]],
    ['empty', [0, 0, 0]],
  ];

  it('reads word2vec binary, text with a header (word2vec, fastText) and GloVe text alike', () => {
    const text = entries.map(([w, v]) => `${w} ${v.join(' ')}`).join('\n');
    for (const p of [
      file('v.bin', word2vecBinary(entries, 3)),
      file('v.vec', `${entries.length} 3\n${text}\n`),
      file('v.txt', `${text}\n`),
    ]) {
      const v = readWordVectors(p);
      expect([p, v.dims, v.words]).toEqual([p, 3, ['football', '股票']]);
      // Folded as model input is: "Football" and "football" are one word, and the first (most frequent) wins.
      near(v.vector('football'), [1, 0.1, 0]);
      near(v.vector('股票'), [0, 0, 1]);
      expect(v.vector('，')).toBeNull();
    }
  });

  it('keeps the first words only when asked, and folds Traditional and full-width spellings', () => {
    const p = file('fold.vec', '3 2\n臺灣 1 0\nＡＩ 0 1\nrest 1 1\n');
    expect(readWordVectors(p, 2).words).toEqual(['台湾', 'ai']);
  });

  it('counts the words it keeps towards the limit, not the entries it skips, and reads no entry past it', () => {
    // Punctuation and a second spelling of a kept word are skipped; the broken last line is never reached.
    const p = file('skips.vec', '5 2\n， 1 0\nAI 0 1\nai 1 1\nrest 1 0\nbroken\n');
    expect(readWordVectors(p, 2).words).toEqual(['ai', 'rest']);
  });

  it('reads files larger than its read chunk, across chunk boundaries, and only as far as the limit', () => {
    // 6,000 words × 64 dims: 1.5 MB binary, ~2.5 MB text; words and values that are easy to check.
    const dims = 64;
    const many: Array<[string, number[]]> = Array.from({ length: 6000 }, (_, i) => [`w${i}`, Array.from({ length: dims }, (_, k) => (k === i % dims ? 1 : 0.01 * ((i + k) % 7)))]);
    const text = many.map(([w, v]) => `${w} ${v.join(' ')}`).join('\n');
    for (const p of [file('many.bin', word2vecBinary(many, dims)), file('many.vec', `${many.length} ${dims}\n${text}\n`)]) {
      const v = readWordVectors(p, Infinity);
      expect(v.size).toBe(6000);
      for (const i of [0, 2047, 4096, 5999]) near(v.vector(`w${i}`), many[i]![1]);
      expect(readWordVectors(p, 10).words).toEqual(Array.from({ length: 10 }, (_, i) => `w${i}`));
    }
  });

  it('says what is wrong with a file that is not a vector file', () => {
    expect(() => readWordVectors(file('short.vec', '2 3\na 1 2 3\nb 1 2\n'))).toThrow(/line 3: 2 numbers, expected 3/);
    expect(() => readWordVectors(file('cut.bin', word2vecBinary(entries, 3).subarray(0, 30)))).toThrow(InputError);
    expect(() => readWordVectors(path.join(dir, 'missing.vec'))).toThrow(/cannot read word vectors/);
  });

  it('gives a Chinese word without a vector the mean of its longest known pieces', () => {
    const v = WordVectors.fromEntries(3, [
      ['湖人', Float32Array.of(2, 0, 0)],
      ['队', Float32Array.of(0, 1, 0)],
      ['湖', Float32Array.of(0, 0, 1)],
      ['人', Float32Array.of(0, 0, 1)],
    ]);
    // 湖人 is taken whole before its characters; 队 is a piece of its own.
    expect(Array.from(v.vector('湖人队')!)).toEqual([0.5, 0.5, 0].map((x) => expect.closeTo(x, 2)));
    // Unknown characters are skipped; a word with no known piece, or not Chinese, has no vector.
    expect(Array.from(v.vector('湖鹰')!)).toEqual([0, 0, 1].map((x) => expect.closeTo(x, 2)));
    expect(v.vector('鹰鸽')).toBeNull();
    expect(v.vector('lakers')).toBeNull();
    const out = new Float32Array(3);
    expect(v.average(['湖人队', 'lakers'], out)).toBe(1);
  });

  it('averages the unit vectors of the words it knows and round-trips through its encoding', () => {
    const v = WordVectors.fromEntries(2, [
      ['a', Float32Array.of(3, 0)],
      ['b', Float32Array.of(0, 5)],
    ]);
    const out = new Float32Array(2);
    expect(v.average(['a', 'b', 'unknown'], out)).toBe(2);
    expect(out[0]).toBeCloseTo(Math.SQRT1_2, 2);
    expect(out[1]).toBeCloseTo(Math.SQRT1_2, 2);
    expect(v.average(['unknown'], out)).toBe(0);
    expect(Array.from(out)).toEqual([0, 0]);
    const back = WordVectors.decode(v.encode());
    expect(back.words).toEqual(['a', 'b']);
    expect(back.digest).toBe(v.digest);
  });
});

// Two topics whose training headlines use some words, and test headlines that use only other words of similar
// use: nothing of a test headline was seen in training, so only the word vectors can tell its topic.
const SPORTS = ['football', 'match', 'goal', 'league', 'striker', 'basketball', 'game', 'coach'];
const MARKETS = ['stock', 'shares', 'index', 'bond', 'investors', 'equity', 'dividend', 'trading'];
const NEUTRAL = ['today', 'report', 'news', 'update'];
/** 8 dimensions: topic directions 0 and 1, with a little of a word-specific direction so no two are equal. */
function syntheticVectors(): string {
  const lines: string[] = [];
  const row = (topic: number, i: number) => Array.from({ length: 8 }, (_, k) => (k === topic ? 1 : k === 2 + (i % 6) ? 0.3 : 0));
  SPORTS.forEach((w, i) => lines.push(`${w} ${row(0, i).join(' ')}`));
  MARKETS.forEach((w, i) => lines.push(`${w} ${row(1, i).join(' ')}`));
  NEUTRAL.forEach((w, i) => lines.push(`${w} ${row(2 + i, i).join(' ')}`));
  return `${lines.length} 8\n${lines.join('\n')}\n`;
}
const examples: Example[] = [];
for (let i = 0; i < 12; i++) {
  const n = NEUTRAL[i % NEUTRAL.length]!;
  examples.push({ text: `${SPORTS[i % 4]} ${SPORTS[(i + 1) % 4]} ${n}`, label: 'sports' });
  examples.push({ text: `${MARKETS[i % 4]} ${MARKETS[(i + 1) % 4]} ${n}`, label: 'markets' });
}
const unseen = [
  { text: 'basketball coach', label: 'sports' },
  { text: 'game striker', label: 'sports' },
  { text: 'equity dividend', label: 'markets' },
  { text: 'trading investors', label: 'markets' },
];

describe('a model with word vectors', () => {
  const vectorsFile = file('topics.vec', syntheticVectors());
  const vectors = readWordVectors(vectorsFile);
  const plain = TextModel.train(examples);
  const withVectors = TextModel.train(examples, { ...TextModel.defaults(), vectors });

  it('labels texts whose words it never saw in training by the words of similar use it did see', () => {
    for (const e of unseen) {
      const p = withVectors.predict('', e.text);
      expect([e.text, p[0]!.label]).toEqual([e.text, e.label]);
      expect(p[0]!.score).toBeGreaterThan(0.7);
      // Without vectors the model knows none of these words: it cannot choose, and says nothing.
      expect(plain.predict('', e.text)).toEqual([]);
    }
  });

  it('shows the words that spoke through their vectors as evidence', () => {
    const terms = withVectors.explain('', 'basketball coach', 'sports').map((t) => t.term);
    expect(terms).toEqual(expect.arrayContaining(['≈basketball', '≈coach']));
  });

  it('carries its vectors in its file, with the same predictions after loading', () => {
    const out = path.join(dir, 'model.json');
    withVectors.save(out);
    const loaded = loadModel(out);
    expect(loaded.version).toBe(withVectors.version);
    expect(loaded.vectorWords).toBe(vectors.size);
    for (const e of unseen) expect(loaded.predict('', e.text)).toEqual(withVectors.predict('', e.text));
    expect(withVectors.version).not.toBe(plain.version);
  });

  it('cross-validates with the vectors, and the commands take a vector file', async () => {
    const all = [...examples, ...unseen, ...unseen];
    expect(crossValidate(all, 2, { ...TextModel.defaults(), vectors }).accuracy).toBe(1);
    const input = file('labels.jsonl', all.map((e) => JSON.stringify(e)).join('\n'));
    const out = path.join(dir, 'cli-model.json');
    const trained = await modelTrain({ input, output: out, vectors: vectorsFile, vectorWeight: 0.8 });
    expect(trained.text).toContain(`word vectors: ${vectors.size} words of 8 dimensions`);
    expect(trained.text).toContain('trained logreg + word vectors model');
    expect(loadModel(out).file.vectors?.weight).toBe(0.8);
    const cv = await modelEval({ input, folds: 2, vectors: vectorsFile });
    expect(cv.text).toContain('logreg + word vectors model');
    await expect(modelEval({ input, model: out, vectors: vectorsFile })).rejects.toThrow(/goes with --folds/);
    await expect(modelTrain({ input, output: out, vectors: vectorsFile, vectorWeight: 0 })).rejects.toThrow(/above 0/);
    await expect(modelTrain({ input, output: out, vectors: vectorsFile, type: 'nb' })).rejects.toThrow(/needs a logistic part/);
  });
});
